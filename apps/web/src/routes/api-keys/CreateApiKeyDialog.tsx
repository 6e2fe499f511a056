import { PERMISSIONS, type Permission } from '@peasswap/domain';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { DialogActions } from '../../components/DialogActions';
import { Modal } from '../../components/Modal';
import { SecretReveal } from '../../components/SecretReveal';
import { describeError } from '../../lib/errors';
import { useTRPC } from '../../lib/trpc';
import type { CreatedApiKey } from '../../lib/types';

type Kind = 'secret' | 'restricted';

interface CreateApiKeyDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  environment: 'test' | 'live';
}

/** Create a secret or a restricted key, then show its secret once. */
export function CreateApiKeyDialog({ open, onOpenChange, environment }: CreateApiKeyDialogProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<Kind>('secret');
  const [permissions, setPermissions] = useState<Permission[]>([]);
  const [problem, setProblem] = useState<string | undefined>();
  const [created, setCreated] = useState<CreatedApiKey | undefined>();
  const groupId = useId();

  const create = useMutation(
    trpc.apiKeys.create.mutationOptions({
      onSuccess: async (key) => {
        setCreated(key);
        await queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() });
      },
      onError: (error) => setProblem(describeError(error)),
    }),
  );

  function openChange(next: boolean) {
    if (!next) {
      // The secret leaves the screen, and memory, with the dialog.
      setCreated(undefined);
      setKind('secret');
      setPermissions([]);
      setProblem(undefined);
      create.reset();
    }
    onOpenChange(next);
  }

  function toggle(permission: Permission, on: boolean) {
    setProblem(undefined);
    setPermissions((current) =>
      on ? [...current, permission] : current.filter((p) => p !== permission),
    );
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (kind === 'restricted' && permissions.length === 0) {
      setProblem('Choose at least one permission.');
      return;
    }
    setProblem(undefined);
    create.mutate(
      kind === 'secret'
        ? { kind }
        : { kind, permissions: PERMISSIONS.filter((p) => permissions.includes(p)) },
    );
  }

  if (created) {
    return (
      <Modal
        open={open}
        onOpenChange={openChange}
        title="Your new API key"
        description="Copy it now and keep it somewhere safe: it is shown this once and never again."
      >
        <SecretReveal secret={created.secret} />
        <div className="dialog__actions">
          <button type="button" className="button" onClick={() => openChange(false)}>
            Done
          </button>
        </div>
      </Modal>
    );
  }

  return (
    <Modal
      open={open}
      onOpenChange={openChange}
      title={`Create a ${environment} API key`}
      description="Secret keys hold every permission. Restricted keys hold only the ones you choose."
    >
      <form onSubmit={submit} noValidate>
        <fieldset className="choice-group">
          <legend>Type</legend>
          <label className="choice">
            <input
              type="radio"
              name="kind"
              value="secret"
              checked={kind === 'secret'}
              onChange={() => setKind('secret')}
            />
            Secret key (every permission)
          </label>
          <label className="choice">
            <input
              type="radio"
              name="kind"
              value="restricted"
              checked={kind === 'restricted'}
              onChange={() => setKind('restricted')}
            />
            Restricted key (choose permissions)
          </label>
        </fieldset>
        {kind === 'restricted' && (
          <fieldset
            className="choice-group choice-group--columns"
            aria-describedby={problem ? `${groupId}-error` : undefined}
          >
            <legend>Permissions</legend>
            {PERMISSIONS.map((permission) => (
              <label key={permission} className="choice">
                <input
                  type="checkbox"
                  name="permissions"
                  value={permission}
                  checked={permissions.includes(permission)}
                  onChange={(event) => toggle(permission, event.target.checked)}
                />
                <code>{permission}</code>
              </label>
            ))}
          </fieldset>
        )}
        {problem !== undefined && (
          <p id={`${groupId}-error`} className="form-error" role="alert">
            {problem}
          </p>
        )}
        <DialogActions
          onCancel={() => openChange(false)}
          pending={create.isPending}
          submitLabel="Create key"
          pendingLabel="Creating…"
        />
      </form>
    </Modal>
  );
}
