import { CsvError, parse } from 'csv-parse';
import { DomainError } from '@peasswap/domain';

/** One record of a CSV file and the line it starts on (the header is line 1). */
export interface CsvRecord {
  line: number;
  cells: string[];
}

/** How much text is handed to the parser at once: the event loop gets a turn between slices. */
const SLICE = 256 * 1024;

/**
 * Every record of `text`, read with csv-parse (RFC 4180 quoting, a leading BOM dropped, CRLF or
 * LF). The whole file is read before anything is written, so a malformed one (an unclosed quote
 * above all, which would otherwise swallow the rest of the file as one field) fails the import up
 * front, naming the line where the trouble starts. Blank lines are skipped; rows of another
 * width than the header are the caller's to report, row by row.
 */
export async function readCsv(text: string): Promise<CsvRecord[]> {
  const records: CsvRecord[] = [];
  let line = 1;
  const parser = parse({
    bom: true,
    relax_column_count: true,
    on_record: (cells: string[]) => {
      // A blank line is one empty field; a row of empty fields (`,,`) is still a row.
      if (!(cells.length === 1 && cells[0] === '')) records.push({ line, cells });
      line += linesSpanned(cells);
      return null;
    },
  });
  const done = new Promise<void>((resolve, reject) => {
    parser.on('error', reject);
    parser.on('end', resolve);
    parser.resume();
  });
  try {
    for (let at = 0; at < text.length; at += SLICE) {
      if (!parser.write(text.slice(at, at + SLICE))) {
        await new Promise((resolve) => parser.once('drain', resolve));
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    parser.end();
    await done;
  } catch (error) {
    throw csvProblem(error, text);
  }
  return records;
}

const LINE_BREAK = /\r\n|\r|\n/g;

/**
 * How many lines a record takes: one, plus the line breaks inside its quoted fields (the only
 * place one can be). Counted here because csv-parse's own line count takes a CRLF inside quotes
 * for two lines.
 */
function linesSpanned(cells: readonly string[]): number {
  let lines = 1;
  for (const cell of cells) {
    if (cell.includes('\n') || cell.includes('\r')) lines += cell.match(LINE_BREAK)?.length ?? 0;
  }
  return lines;
}

function csvProblem(error: unknown, text: string): unknown {
  if (!(error instanceof CsvError)) return error;
  if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
    const line = unclosedQuoteLine(text);
    return new DomainError(
      'parameter_invalid',
      `The quoted field that starts on line ${line} is never closed: nothing was imported.`,
      { extra: { line: String(line) } },
    );
  }
  const line = (error as CsvError & { lines?: number }).lines ?? 0;
  return new DomainError(
    'parameter_invalid',
    `The file is not valid CSV at line ${line} (${error.code}): nothing was imported.`,
    { extra: { line: String(line) } },
  );
}

/**
 * csv-parse names the line where the file ends; a person needs the line where the quote opened.
 * Walk the text as RFC 4180 does (a quote opens only at the start of a field; `""` inside is a
 * literal quote) and answer the line of the quote still open at the end.
 */
export function unclosedQuoteLine(text: string): number {
  let line = 1;
  let openedOn = 0;
  let quoted = false;
  let fieldStart = true;
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let i = start; i < text.length; i++) {
    const char = text[i];
    if (char === '\n' || (char === '\r' && text[i + 1] !== '\n')) line += 1;
    if (quoted) {
      if (char === '"') {
        if (text[i + 1] === '"') i += 1;
        else quoted = false;
      }
      continue;
    }
    if (char === '"' && fieldStart) {
      quoted = true;
      openedOn = line;
    }
    fieldStart = char === ',' || char === '\n' || char === '\r';
  }
  return quoted ? openedOn : line;
}
