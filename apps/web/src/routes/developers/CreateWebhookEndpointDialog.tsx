import { WebhookEndpointCreateSchema } from '@peasswap/domain';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { DialogActions } from '../../components/DialogActions';
import { Field } from '../../components/Field';
import { Modal } from '../../components/Modal';
import { describeError } from '../../lib/errors';
import { enabledEventsOf } from '../../lib/events';
import { useFormDraft, type Checked } from '../../lib/form-draft';
import { fieldErrorsFromIssues, serverFieldError, type FieldErrors } from '../../lib/forms';
import { useTRPC } from '../../lib/trpc';
import type { CreatedWebhookEndpoint } from '../../lib/types';
import { EventPicker, NO_EVENTS, type EventChoice } from './EventPicker';
import { SecretRevealed } from './SecretRevealed';

const FIELDS = ['url', 'enabledEvents', 'description'] as const;
type EndpointField = (typeof FIELDS)[number];
type Errors = FieldErrors<EndpointField>;

interface Draft {
  url: string;
  description: string;
  events: EventChoice;
}
const EMPTY: Draft = { url: '', description: '', events: NO_EVENTS };

/** The form as the API takes it, checked with the API's own schema before it is sent. */
export function endpointInput(
  draft: Draft,
): Checked<
  { url: string; enabledEvents: ReturnType<typeof enabledEventsOf>; description?: string },
  Errors
> {
  const enabledEvents = enabledEventsOf(draft.events);
  const input = {
    url: draft.url,
    enabledEvents,
    ...(draft.description.trim() !== '' && { description: draft.description }),
  };
  const parsed = WebhookEndpointCreateSchema.safeParse(input);
  const errors: Errors = parsed.success ? {} : fieldErrorsFromIssues(parsed.error.issues, FIELDS);
  if (enabledEvents.length === 0) {
    errors.enabledEvents = 'Choose at least one event, or All events.';
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, input };
}

interface CreateWebhookEndpointDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  environment: 'test' | 'live';
  /** The secret has been shown and the dialog closed. */
  onDone: (endpoint: CreatedWebhookEndpoint) => void;
}

/** URL, description and events; then the signing secret, shown this once. */
export function CreateWebhookEndpointDialog({
  open,
  onOpenChange,
  environment,
  onDone,
}: CreateWebhookEndpointDialogProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { draft, setDraft, errors, setErrors, submitChecked } = useFormDraft<Draft, Errors>(
    EMPTY,
    {},
  );
  const [created, setCreated] = useState<CreatedWebhookEndpoint | undefined>();

  const create = useMutation(
    trpc.webhookEndpoints.create.mutationOptions({
      onSuccess: async (endpoint) => {
        setCreated(endpoint);
        setDraft(EMPTY);
        await queryClient.invalidateQueries({ queryKey: trpc.webhookEndpoints.list.pathKey() });
      },
      onError: (error) => {
        const problem = serverFieldError(error, FIELDS, describeError);
        setErrors({ [problem.field]: problem.message });
      },
    }),
  );

  function change(update: Partial<Draft>, field: EndpointField) {
    setDraft((current) => ({ ...current, ...update }));
    if (errors[field] !== undefined || errors.form !== undefined) {
      setErrors((current) => ({ ...current, [field]: undefined, form: undefined }));
    }
  }

  function openChange(next: boolean) {
    if (!next) {
      // The secret leaves the screen, and memory, with the dialog.
      const shown = created;
      setCreated(undefined);
      setErrors({});
      create.reset();
      onOpenChange(false);
      if (shown) onDone(shown);
      return;
    }
    onOpenChange(true);
  }

  // One dialog throughout: the form, then (same dialog, focus kept inside) the secret.
  return (
    <Modal
      open={open}
      onOpenChange={openChange}
      wide={!created}
      title={created ? 'Endpoint added: its signing secret' : 'Add a webhook endpoint'}
      description={
        created ? (
          <>
            Your endpoint checks each delivery’s <code>webhook-signature</code> with it. Copy it now
            and keep it somewhere safe: you won’t see it again.
          </>
        ) : environment === 'test' ? (
          'Test mode sends test events; http://127.0.0.1 works here for local development.'
        ) : (
          'Live mode sends live events, to an https URL on a public address only.'
        )
      }
    >
      {created ? (
        <SecretRevealed secret={created.secret ?? ''} onDone={() => openChange(false)} />
      ) : (
        <form
          onSubmit={submitChecked(endpointInput, (input) => create.mutate(input))}
          noValidate
          className="endpoint-form"
        >
          <Field
            label="Endpoint URL"
            name="url"
            type="url"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            placeholder="https://example.com/webhooks/peasswap"
            value={draft.url}
            onValueChange={(url) => change({ url }, 'url')}
            error={errors.url}
          />
          <Field
            label="Description"
            name="description"
            optional
            autoComplete="off"
            placeholder="What receives these events (our CRM, the ledger)"
            value={draft.description}
            onValueChange={(description) => change({ description }, 'description')}
            error={errors.description}
          />
          <EventPicker
            value={draft.events}
            onChange={(events) => change({ events }, 'enabledEvents')}
            error={errors.enabledEvents}
          />
          <DialogActions
            onCancel={() => openChange(false)}
            pending={create.isPending}
            submitLabel="Add endpoint"
            pendingLabel="Adding…"
            formError={errors.form}
          />
        </form>
      )}
    </Modal>
  );
}
