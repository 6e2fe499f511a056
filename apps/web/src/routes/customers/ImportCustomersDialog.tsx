import { IMPORT_ON_DUPLICATE, type ImportOnDuplicate } from '@peasswap/domain';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { Modal } from '../../components/Modal';
import { SelectField } from '../../components/SelectField';
import { useEnvironment } from '../../lib/environment';
import { describeError } from '../../lib/errors';
import { ImportRequestError, uploadCustomersCsv } from '../../lib/import';
import { useTRPC } from '../../lib/trpc';
import type { ImportReport } from '../../lib/types';
import { ImportReportView } from './ImportReportView';

const ON_DUPLICATE_LABELS: Record<ImportOnDuplicate, string> = {
  error: 'Report it as an error',
  skip: 'Skip the row',
  update: 'Update the existing customer',
};

interface ImportCustomersDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onImported: (report: ImportReport) => void;
}

/**
 * A CSV file read in the browser and sent as the body of POST /v1/customers/import (not tRPC,
 * whose 1 MiB body limit would stop at ~10,000 rows): first a dry run, whose per-row report is
 * the preview, then the import itself with the same file and choice.
 */
export function ImportCustomersDialog({
  open,
  onOpenChange,
  onImported,
}: ImportCustomersDialogProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const environment = useEnvironment();
  const fileId = useId();
  const [file, setFile] = useState<{ name: string; csv: string } | undefined>();
  const [onDuplicate, setOnDuplicate] = useState<ImportOnDuplicate>('error');
  const [preview, setPreview] = useState<ImportReport | undefined>();
  const [readError, setReadError] = useState<string | undefined>();

  const upload = (input: Parameters<typeof uploadCustomersCsv>[1]) =>
    uploadCustomersCsv(environment, input);
  const check = useMutation({
    mutationFn: upload,
    onSuccess: (report) => setPreview(report),
  });
  const run = useMutation({
    mutationFn: upload,
    onSuccess: async (report) => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: trpc.customers.pathKey() }),
        queryClient.invalidateQueries({ queryKey: trpc.duplicates.pathKey() }),
      ]);
      reset();
      onImported(report);
    },
  });

  function reset() {
    setFile(undefined);
    setPreview(undefined);
    setReadError(undefined);
    check.reset();
    run.reset();
  }

  async function choose(chosen: File | undefined) {
    setPreview(undefined);
    check.reset();
    run.reset();
    setReadError(undefined);
    if (!chosen) return setFile(undefined);
    try {
      setFile({ name: chosen.name, csv: await chosen.text() });
    } catch {
      setFile(undefined);
      setReadError('The file could not be read. Choose it again.');
    }
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!file) return setReadError('Choose a CSV file first.');
    if (preview) run.mutate({ csv: file.csv, onDuplicate, dryRun: false });
    else check.mutate({ csv: file.csv, onDuplicate, dryRun: true });
  }

  const importable = preview ? preview.created + preview.updated : 0;
  const failure = check.error ?? run.error;
  const problem =
    readError ??
    (failure instanceof ImportRequestError
      ? failure.message
      : failure
        ? describeError(failure)
        : undefined);
  const pending = check.isPending || run.isPending;

  return (
    <Modal
      open={open}
      onOpenChange={(next) => {
        if (!next) reset();
        onOpenChange(next);
      }}
      title="Import customers"
      description="A CSV file with a header line: name and email columns, optionally phone, description and metadata.<key>. Nothing is written until you have seen the check."
      wide
    >
      <form onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={fileId}>CSV file</label>
          <input
            id={fileId}
            type="file"
            accept=".csv,text/csv"
            onChange={(event) => void choose(event.target.files?.[0])}
          />
        </div>
        <SelectField
          label="When a row’s email is already a customer’s"
          value={onDuplicate}
          onValueChange={(value) => {
            setOnDuplicate(value as ImportOnDuplicate);
            setPreview(undefined);
          }}
        >
          {IMPORT_ON_DUPLICATE.map((choice) => (
            <option key={choice} value={choice}>
              {ON_DUPLICATE_LABELS[choice]}
            </option>
          ))}
        </SelectField>

        {preview && <ImportReportView report={preview} />}

        {problem !== undefined && (
          <p className="form-error" role="alert">
            {problem}
          </p>
        )}
        <div className="dialog__actions">
          <button
            type="button"
            className="button button--secondary"
            onClick={() => {
              reset();
              onOpenChange(false);
            }}
          >
            Cancel
          </button>
          <button
            type="submit"
            className="button"
            disabled={pending || (preview !== undefined && importable === 0)}
          >
            {pending
              ? 'Working…'
              : preview
                ? `Import ${importable} row${importable === 1 ? '' : 's'}`
                : 'Check file'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
