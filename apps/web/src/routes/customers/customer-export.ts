/** The file name a customer's export is saved as. */
export function exportFileName(customerId: string): string {
  return `customer-${customerId}.json`;
}

/**
 * Saves a JSON document as a file (a Blob behind an object URL, clicked as a download link):
 * the export arrives over tRPC with the dashboard's session, so no plain link could fetch it.
 */
export function downloadJson(document_: unknown, fileName: string): void {
  const blob = new Blob([`${JSON.stringify(document_, null, 2)}\n`], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The click has handed the file to the browser; the object URL can go once it has read it.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
