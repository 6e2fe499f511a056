/**
 * The published package's router type, self-contained. The API's `AppRouter` reaches into its
 * context (Fastify, Drizzle, the database drivers), zod and @peasswap/domain; a merchant needs
 * none of it, only what each procedure takes and answers. This reads the router with the
 * TypeScript compiler and writes build/src/ (a copy of src/) whose router.ts declares every
 * procedure as a tRPC query or mutation with its input and output spelled out structurally
 * (object types that recur become named aliases: Customer, Payment, ...), and the API's error
 * shape likewise. tsdown then bundles the declarations from there (tsdown.config.ts).
 *
 * Run by `pnpm bundle` (and so by `pnpm pack`, through prepack), before tsdown. Not a turbo
 * `build`: the dashboard and the API read src/, and `pnpm start` need not wait for this.
 */
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const apiDir = path.resolve(packageDir, '../../apps/api');
const stagedSource = path.join(packageDir, 'build/src');

function loadRouter(): { checker: ts.TypeChecker; program: ts.Program; router: ts.Type } {
  const configPath = path.join(apiDir, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, (file) => ts.sys.readFile(file));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, apiDir);
  const rootFile = path.join(apiDir, 'src/trpc/root.ts');
  const program = ts.createProgram([rootFile], { ...parsed.options, noEmit: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(rootFile);
  if (!source) throw new Error(`cannot read ${rootFile}`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  const appRouter =
    moduleSymbol && checker.getExportsOfModule(moduleSymbol).find((s) => s.name === 'appRouter');
  if (!appRouter) throw new Error('apps/api/src/trpc/root.ts exports no appRouter');
  return { checker, program, router: checker.getTypeOfSymbol(appRouter) };
}

const { checker, program, router } = loadRouter();

function property(type: ts.Type, name: string): ts.Type {
  const symbol = checker.getPropertyOfType(type, name);
  if (!symbol) throw new Error(`no property ${name} on ${checker.typeToString(type)}`);
  return checker.getTypeOfSymbol(symbol);
}

/** A class or interface of TypeScript's own lib (Date, Uint8Array): named, not spelled out. */
function fromDefaultLib(type: ts.Type): boolean {
  const symbol = type.getSymbol();
  if (!symbol || !(symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface))) return false;
  return (symbol.getDeclarations() ?? []).some((declaration) =>
    program.isSourceFileDefaultLibrary(declaration.getSourceFile()),
  );
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const PRIMITIVES =
  ts.TypeFlags.String |
  ts.TypeFlags.Number |
  ts.TypeFlags.Boolean |
  ts.TypeFlags.BigInt |
  ts.TypeFlags.Null |
  ts.TypeFlags.Undefined |
  ts.TypeFlags.Void |
  ts.TypeFlags.Unknown |
  ts.TypeFlags.Any |
  ts.TypeFlags.Never |
  ts.TypeFlags.BooleanLiteral |
  ts.TypeFlags.TemplateLiteral;

/** Named aliases for object types that recur: text → alias name. */
const aliases = new Map<string, string>();
const aliasOrder: string[] = [];
// The generated file's own names, never taken by a shape.
const usedNames = new Set([
  'AppRouter',
  'ErrorShape',
  'TRPCBuiltRouter',
  'TRPCMutationProcedure',
  'TRPCQueryProcedure',
]);

function aliasFor(text: string, hint: string): string {
  const known = aliases.get(text);
  if (known) return known;
  const base = IDENTIFIER.test(hint) ? hint : 'Shape';
  let name = base;
  for (let n = 2; usedNames.has(name); n++) name = `${base}${n}`;
  usedNames.add(name);
  aliases.set(text, name);
  aliasOrder.push(name);
  return name;
}

const printing = new Set<ts.Type>();

function print(type: ts.Type, hint: string): string {
  if (type.flags & PRIMITIVES) return checker.typeToString(type);
  if (type.isStringLiteral()) return JSON.stringify(type.value);
  if (type.isNumberLiteral()) return String(type.value);
  if (type.isUnion()) return type.types.map((member) => wrap(member, hint)).join(' | ');
  if (type.isIntersection()) return type.types.map((member) => wrap(member, hint)).join(' & ');
  if (printing.has(type)) throw new Error(`recursive type: ${checker.typeToString(type)}`);
  printing.add(type);
  try {
    return printObject(type, hint);
  } finally {
    printing.delete(type);
  }
}

function wrap(type: ts.Type, hint: string): string {
  const text = print(type, hint);
  return type.isUnion() || type.isIntersection() ? `(${text})` : text;
}

const pascal = (text: string): string =>
  text.replace(/(^|[_.\s-])([a-z])/g, (_, _sep: string, c: string) => c.toUpperCase());

/** A name for an object type: its `object` field (`customer` → Customer), else where it is. */
function nameOf(type: ts.Type, hint: string): string {
  const object = checker.getPropertyOfType(type, 'object');
  const literal = object && checker.getTypeOfSymbol(object);
  if (literal?.isStringLiteral() && literal.value !== 'list') return pascal(literal.value);
  const alias = type.aliasSymbol?.name;
  return alias && IDENTIFIER.test(alias) && !alias.startsWith('$') ? alias : hint;
}

function printObject(type: ts.Type, hint: string): string {
  if (checker.isTupleType(type)) {
    const target = (type as ts.TypeReference).target as ts.TupleType;
    const elements = checker.getTypeArguments(type as ts.TypeReference).map((element, i) => {
      const flags = target.elementFlags[i] ?? ts.ElementFlags.Required;
      if (flags & ts.ElementFlags.Rest) return `...Array<${print(element, hint)}>`;
      return `${print(element, hint)}${flags & ts.ElementFlags.Optional ? '?' : ''}`;
    });
    return `${target.readonly ? 'readonly ' : ''}[${elements.join(', ')}]`;
  }
  if (checker.isArrayType(type)) {
    const [element] = checker.getTypeArguments(type as ts.TypeReference);
    if (!element) throw new Error('array without element type');
    const name = type.getSymbol()?.name === 'ReadonlyArray' ? 'ReadonlyArray' : 'Array';
    return `${name}<${print(element, `${hint}Item`)}>`;
  }
  if (fromDefaultLib(type)) return checker.typeToString(type);
  if (type.getCallSignatures().length || type.getConstructSignatures().length) {
    throw new Error(`a function in a procedure's types: ${checker.typeToString(type)}`);
  }
  const members: string[] = [];
  for (const info of checker.getIndexInfosOfType(type)) {
    members.push(`[key: ${print(info.keyType, hint)}]: ${print(info.type, `${hint}Value`)};`);
  }
  for (const symbol of checker.getPropertiesOfType(type)) {
    if (symbol.name.startsWith('__@')) {
      throw new Error(`a symbol-keyed property in ${checker.typeToString(type)}`);
    }
    const name = IDENTIFIER.test(symbol.name) ? symbol.name : JSON.stringify(symbol.name);
    const optional = symbol.flags & ts.SymbolFlags.Optional ? '?' : '';
    const inner = `${hint}${pascal(symbol.name)}`;
    members.push(`${name}${optional}: ${print(checker.getTypeOfSymbol(symbol), inner)};`);
  }
  const text = members.length ? `{ ${members.join(' ')} }` : '{}';
  if (text.length < 120) return text;
  return aliasFor(text, nameOf(type, hint));
}

/** One procedure or a nested record of them, as the published router's record type. */
function printRecord(record: ts.Type, where: string, depth: number): string {
  const indent = '  '.repeat(depth);
  const lines = checker.getPropertiesOfType(record).map((symbol) => {
    const entry = checker.getTypeOfSymbol(symbol);
    const def = checker.getPropertyOfType(entry, '_def');
    const at = `${where}.${symbol.name}`;
    if (def && checker.getPropertyOfType(checker.getTypeOfSymbol(def), '$types')) {
      const defType = checker.getTypeOfSymbol(def);
      const kind = property(defType, 'type');
      const $types = property(defType, '$types');
      const procedure = kind.isStringLiteral() ? kind.value : undefined;
      const builder =
        procedure === 'query'
          ? 'TRPCQueryProcedure'
          : procedure === 'mutation'
            ? 'TRPCMutationProcedure'
            : undefined;
      if (!builder)
        throw new Error(`${at}: unsupported procedure type ${checker.typeToString(kind)}`);
      const name = pascal(at.replace(/^appRouter\./, ''));
      const input = print(property($types, 'input'), `${name}Input`);
      const output = print(property($types, 'output'), `${name}Output`);
      return `${indent}${symbol.name}: ${builder}<{ input: ${input}; output: ${output}; meta: object }>;`;
    }
    return `${indent}${symbol.name}: {\n${printRecord(entry, at, depth + 1)}\n${indent}};`;
  });
  return lines.join('\n');
}

const routerDef = property(router, '_def');
const record = printRecord(property(routerDef, 'record'), 'appRouter', 1);
const errorShape = print(
  property(property(property(routerDef, '_config'), '$types'), 'errorShape'),
  'ApiErrorShape',
);

const aliasLines = [...aliases].map(([text, name]) => `type ${name} = ${text};`);
const declaration = `// Generated from apps/api's router by scripts/emit-router-types.ts: do not edit.
import type { TRPCBuiltRouter, TRPCMutationProcedure, TRPCQueryProcedure } from '@trpc/server';

${aliasLines.join('\n')}

/** The API's error shape: tRPC's, with the API's \`type\`, \`code\`, \`param\` and \`requestId\` in \`data\`. */
type ErrorShape = ${errorShape};

/** Every procedure of the PeasSwap API, with what it takes and what it answers. */
export type AppRouter = TRPCBuiltRouter<
  { ctx: object; meta: object; errorShape: ErrorShape; transformer: false },
  {
${record}
  }
>;
`;
// The declarations are bundled from a copy of src/ whose router.ts is this file (tsdown.config.ts).
rmSync(stagedSource, { recursive: true, force: true });
rmSync(path.join(packageDir, 'dist'), { recursive: true, force: true });
cpSync(path.join(packageDir, 'src'), stagedSource, { recursive: true });
writeFileSync(path.join(stagedSource, 'router.ts'), declaration);
process.stdout.write(
  `build/src/router.ts: ${aliases.size} named shapes, ${(declaration.length / 1024).toFixed(0)} KiB\n`,
);
