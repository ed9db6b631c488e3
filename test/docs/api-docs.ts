// The documentation check of the public API: walks every name exported from the root entry (src/index.ts) with
// the TypeScript compiler and lists what lacks TSDoc. A function or class needs a summary, an `@example`, an
// `@param` per named parameter and (unless it returns void) `@returns`; a class's public methods need a summary,
// `@param`s and `@returns` (and, for the DSL's stages, an `@example`); a function's properties
// (`promoters.dream2022`) are checked as functions; other public class members and an
// interface's fields need a summary (an option's default goes in its field's comment); every other export (constants, types) needs a summary. Kept beside its test
// so `npx tsx test/docs/api-docs.ts` prints the same list without vitest.
import ts from 'typescript';
import { join, relative } from 'node:path';

/** One documentation gap: the export (or `Export.member`) and what it lacks. */
export interface DocGap { name: string; missing: string; file: string }
type Gap = Omit<DocGap, 'file'>;

const ROOT = join(__dirname, '..', '..');

function loadProgram(entry: string): ts.Program {
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  return ts.createProgram([entry], parsed.options);
}

function summary(symbol: ts.Symbol, checker: ts.TypeChecker): string {
  return ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
}

function tagNames(decl: ts.Node): ts.JSDocTag[] {
  return [...ts.getJSDocTags(decl)];
}

function isVoidish(type: ts.Type): boolean {
  const f = type.flags;
  return (f & (ts.TypeFlags.Void | ts.TypeFlags.Undefined | ts.TypeFlags.Never)) !== 0;
}

/** The function-like declaration that carries the docs: the first with a JSDoc block, else the first. */
function documentedDecl<T extends ts.Node>(decls: readonly T[]): T {
  return decls.find((d) => ts.getJSDocCommentsAndTags(d).length > 0) ?? decls[0];
}

function checkCallable(name: string, decl: ts.SignatureDeclaration, checker: ts.TypeChecker, gaps: Gap[], needExample: boolean): void {
  const tags = tagNames(decl);
  if (needExample && !tags.some((t) => t.tagName.text === 'example')) gaps.push({ name, missing: '@example' });
  const params = new Set(tags.filter(ts.isJSDocParameterTag).map((t) => t.name.getText()));
  for (const p of decl.parameters) {
    if (!ts.isIdentifier(p.name)) continue;
    const pn = p.name.text;
    if (![...params].some((q) => q === pn || q.startsWith(`${pn}.`))) gaps.push({ name, missing: `@param ${pn}` });
  }
  const sig = checker.getSignatureFromDeclaration(decl);
  if (!ts.isConstructorDeclaration(decl) && sig && !isVoidish(checker.getReturnTypeOfSignature(sig))) {
    const ret = checker.getReturnTypeOfSignature(sig);
    const promisedVoid = checker.typeToString(ret) === 'Promise<void>';
    if (!promisedVoid && !tags.some((t) => t.tagName.text === 'returns')) gaps.push({ name, missing: '@returns' });
  }
}

function checkMembers(name: string, symbol: ts.Symbol, checker: ts.TypeChecker, gaps: Gap[]): void {
  for (const [key, member] of symbol.members ?? new Map<ts.__String, ts.Symbol>()) {
    const k = String(key);
    if (k === '__constructor' || k.startsWith('#') || k === '__index') continue;
    const decls = member.declarations ?? [];
    const isPrivate = decls.some((d) => ts.getCombinedModifierFlags(d as ts.Declaration) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected));
    if (isPrivate || decls.length === 0) continue;
    if (member.flags & ts.SymbolFlags.TypeParameter) continue;
    if (!summary(member, checker)) gaps.push({ name: `${name}.${k}`, missing: 'summary' });
    const methods = decls.filter(ts.isMethodDeclaration);
    if (methods.length > 0) {
      const overloads = methods.filter((d) => !d.body);
      const dsl = relative(ROOT, methods[0]!.getSourceFile().fileName).startsWith(join('src', 'dsl'));
      checkCallable(`${name}.${k}`, documentedDecl(overloads.length > 0 ? overloads : methods), checker, gaps, dsl);
    }
  }
}

/** Every documentation gap among the root exports, with the number of names exported. */
export function apiDocGaps(entry = join(ROOT, 'src', 'index.ts')): { exports: string[]; gaps: DocGap[] } {
  const program = loadProgram(entry);
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  if (!source) throw new Error(`cannot read ${entry}`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error(`${entry} is not a module`);
  const all: DocGap[] = [];
  const exported = checker.getExportsOfModule(moduleSymbol);
  for (const alias of exported) {
    const name = alias.getName();
    const symbol = alias.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(alias) : alias;
    const decls = symbol.declarations ?? [];
    // A type re-exported from a dependency (arquero's ColumnTable) carries that package's docs, not ours.
    if (decls.length > 0 && decls.every((d) => d.getSourceFile().fileName.includes('/node_modules/'))) continue;
    const gaps: Gap[] = [];
    if (!summary(symbol, checker)) gaps.push({ name, missing: 'summary' });
    const fns = decls.filter(ts.isFunctionDeclaration);
    if (fns.length > 0) {
      const impl = fns.filter((d) => !d.body);
      checkCallable(name, documentedDecl(impl.length > 0 ? impl : fns), checker, gaps, true);
    }
    for (const d of decls) {
      if (ts.isVariableDeclaration(d) && d.initializer && (ts.isArrowFunction(d.initializer) || ts.isFunctionExpression(d.initializer))) {
        const stmt = d.parent.parent;
        if (!tagNames(stmt).some((t) => t.tagName.text === 'example') && !tagNames(d).some((t) => t.tagName.text === 'example')) gaps.push({ name, missing: '@example' });
      }
    }
    // Functions with properties (`promoters.dream2022 = function …`): each property as an export of its own.
    for (const [key, member] of symbol.flags & ts.SymbolFlags.Function ? symbol.exports ?? new Map<ts.__String, ts.Symbol>() : []) {
      const full = `${name}.${String(key)}`;
      if (!summary(member, checker)) gaps.push({ name: full, missing: 'summary' });
      const assigned = member.declarations?.[0]?.parent;
      const value = assigned && ts.isBinaryExpression(assigned) ? assigned.right : undefined;
      if (value && (ts.isFunctionExpression(value) || ts.isArrowFunction(value))) checkCallable(full, value, checker, gaps, true);
    }
    if (decls.some(ts.isClassDeclaration)) {
      const cls = decls.find(ts.isClassDeclaration)!;
      if (!tagNames(cls).some((t) => t.tagName.text === 'example')) gaps.push({ name, missing: '@example' });
      checkMembers(name, symbol, checker, gaps);
    }
    if (decls.some(ts.isInterfaceDeclaration)) checkMembers(name, symbol, checker, gaps);
    const file = decls[0] ? relative(ROOT, decls[0].getSourceFile().fileName) : '?';
    all.push(...gaps.map((g) => ({ ...g, file })));
  }
  return { exports: exported.map((s) => s.getName()), gaps: all };
}

if (require.main === module) {
  const { exports, gaps } = apiDocGaps();
  for (const g of gaps) console.log(`${g.file}\t${g.name}\t${g.missing}`);
  const names = new Set(gaps.map((g) => g.name.split('.')[0]));
  console.log(`${exports.length} root exports; ${exports.length - names.size} fully documented; ${gaps.length} gaps in ${names.size}`);
}
