// Type-checks the `@example` of every root export (and of the public methods of exported classes): each example
// becomes the body of an async function in one generated file that imports everything from src/index.ts. Names
// an example uses without defining (its inputs: `model`, `sequences`, …) are declared `any` — found by a first
// compile's "Cannot find name" errors (and implicit any is allowed) — so the check catches what a reader would trip over: misspelt functions,
// unknown options, wrong argument counts, wrong types of literals. `npx tsx test/docs/api-examples.ts` prints the
// errors without vitest.
import ts from 'typescript';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const ENTRY = join(ROOT, 'src', 'index.ts');
const VIRTUAL = join(ROOT, 'test', 'docs', '__examples__.ts');

/** One example and where it is documented. */
export interface DocExample { owner: string; code: string }

/** One type error in an example. */
export interface ExampleError { owner: string; code: string; message: string }

function compilerOptions(): ts.CompilerOptions {
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  return { ...ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT).options, noEmit: true, noUnusedLocals: false, noImplicitAny: false };
}

function examplesOf(node: ts.Node): string[] {
  return ts.getJSDocTags(node)
    .filter((t) => t.tagName.text === 'example')
    .map((t) => (ts.getTextOfJSDocComment(t.comment) ?? '').replace(/^```\w*\n?|```$/gm, '').trim())
    .filter(Boolean);
}

/** Every `@example` of the root exports and of their classes' public methods. */
export function collectExamples(program: ts.Program): { examples: DocExample[]; names: string[] } {
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(ENTRY)!)!;
  const examples: DocExample[] = [];
  const names: string[] = [];
  for (const alias of checker.getExportsOfModule(moduleSymbol)) {
    const name = alias.getName();
    const symbol = alias.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(alias) : alias;
    // A type re-exported from a dependency (arquero's ColumnTable): its examples are that package's, and it is no value here.
    const decls = symbol.declarations ?? [];
    if (decls.length > 0 && decls.every((d) => d.getSourceFile().fileName.includes('/node_modules/'))) continue;
    if (symbol.flags & ts.SymbolFlags.Value) names.push(name);
    for (const [key, member] of symbol.flags & ts.SymbolFlags.Function ? symbol.exports ?? new Map<ts.__String, ts.Symbol>() : []) {
      const statement = member.declarations?.[0]?.parent?.parent;
      if (statement && ts.isExpressionStatement(statement)) {
        for (const code of examplesOf(statement)) examples.push({ owner: `${name}.${String(key)}`, code });
      }
    }
    for (const decl of symbol.declarations ?? []) {
      const host = ts.isVariableDeclaration(decl) ? decl.parent.parent : decl;
      for (const code of examplesOf(host)) examples.push({ owner: name, code });
      if (ts.isClassDeclaration(decl)) {
        for (const member of decl.members) {
          if (!ts.isMethodDeclaration(member) && !ts.isConstructorDeclaration(member)) continue;
          if (ts.getCombinedModifierFlags(member) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
          const memberName = member.name && ts.isIdentifier(member.name) ? member.name.text : 'constructor';
          for (const code of examplesOf(member)) examples.push({ owner: `${name}.${memberName}`, code });
        }
      }
    }
  }
  return { examples, names };
}

function source(examples: readonly DocExample[], names: readonly string[], free: ReadonlySet<string>): string {
  const lines = [
    `import { ${names.join(', ')} } from ${JSON.stringify(ENTRY.replace(/\.ts$/, ''))};`,
    ...[...free].sort().map((n) => `declare const ${n}: any;`),
    `void [${names.join(', ')}];`,
  ];
  examples.forEach((e, i) => lines.push(`export async function example${i}() {`, `// ${e.owner}`, e.code, '}'));
  return lines.join('\n') + '\n';
}

function compile(text: string, options: ts.CompilerOptions, old?: ts.Program): ts.Program {
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, language, onError, create) =>
    file === VIRTUAL ? ts.createSourceFile(file, text, language) : getSourceFile(file, language, onError, create);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => file === VIRTUAL || fileExists(file);
  return ts.createProgram({ rootNames: [ENTRY, VIRTUAL], options, host, oldProgram: old });
}

/** Type errors in the examples (none when every example type-checks). */
export function exampleErrors(): { examples: number; errors: ExampleError[]; free: string[] } {
  const options = compilerOptions();
  const base = compile('export {};\n', options);
  const { examples, names } = collectExamples(base);
  const free = new Set<string>();
  let program = base;
  for (let round = 0; round < 3; round++) {
    program = compile(source(examples, names, free), options, program);
    const missing = ts.getPreEmitDiagnostics(program, program.getSourceFile(VIRTUAL))
      .filter((d) => [2304, 2552, 2580, 2582, 2591, 2593, 18004].includes(d.code))
      .map((d) => /'([^']+)'/.exec(ts.flattenDiagnosticMessageText(d.messageText, '\n'))?.[1])
      .filter((n): n is string => n !== undefined && !free.has(n));
    if (missing.length === 0) break;
    missing.forEach((n) => free.add(n));
  }
  const file = program.getSourceFile(VIRTUAL)!;
  const starts = examples.map((_, i) => file.text.indexOf(`export async function example${i}() {`));
  const errors = ts.getPreEmitDiagnostics(program, file).map((d) => {
    const at = d.start ?? 0;
    let i = starts.length - 1;
    while (i > 0 && starts[i]! > at) i--;
    return { owner: examples[i]!.owner, code: examples[i]!.code, message: ts.flattenDiagnosticMessageText(d.messageText, ' ') };
  });
  return { examples: examples.length, errors, free: [...free].sort() };
}

if (require.main === module) {
  const { examples, errors, free } = exampleErrors();
  console.log(`inputs declared any: ${free.join(', ')}`);
  for (const e of errors) console.log(`${e.owner}: ${e.message}\n    ${e.code.split('\n').join('\n    ')}`);
  console.log(`${examples} examples; ${errors.length} type errors`);
}
