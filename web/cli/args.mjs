// args.mjs — the CLI's options, read strictly with Node's util.parseArgs: an option a command
// does not know, an option without its value, a value that is not allowed or out of range
// stops the command with a UsageError naming the option (main.mjs prints it with the
// command's usage and exits with status 2).
import { parseArgs } from 'node:util';

/** A mistake in how the command was called (exit status 2, usage printed). */
export class UsageError extends Error {
  constructor(message, command = null) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }
}

/** Reads argv for a command whose options are `spec` ({name: {type: 'string'|'boolean',
 *  short?}}); --help / -h is always known. Returns {values, positionals}. */
export function readArgs(argv, spec, command) {
  const options = { ...spec, help: { type: 'boolean', short: 'h' } };
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError(explain(argv, options) ?? err.message, command);
  }
}

/** Names what parseArgs refused, from its own tokens (non-strict, so it does not stop). */
function explain(argv, options) {
  const { tokens } = parseArgs({
    args: argv,
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const spec = options[t.name];
    if (!spec) {
      const near = closest(t.name, Object.keys(options));
      return `unknown option ${t.rawName}${near ? ` (did you mean --${near}?)` : ''}`;
    }
    if (
      spec.type === 'string' &&
      (t.value === undefined || (!t.inlineValue && t.value.startsWith('-')))
    ) {
      return `${t.rawName} needs a value${t.value ? ` (${t.value} is an option)` : ''}`;
    }
    if (spec.type === 'boolean' && t.value !== undefined) return `${t.rawName} takes no value`;
  }
  return null;
}

/** The option name nearest to `name` by edit distance, when it is close (a typo). */
export function closest(name, names) {
  let best = null;
  let bestD = Infinity;
  for (const n of names) {
    const d = editDistance(name, n);
    if (d < bestD) {
      best = n;
      bestD = d;
    }
  }
  return bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : null;
}

function editDistance(a, b) {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/** value if it is one of allowed, else a UsageError naming --name. */
export function oneOf(name, value, allowed) {
  if (!allowed.includes(value)) {
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, not '${value}'`);
  }
  return value;
}

/** A whole number from lo to hi, else a UsageError naming --name. */
export function intOpt(name, value, lo, hi) {
  const v = Number(value);
  if (String(value).trim() === '' || !Number.isInteger(v) || v < lo || v > hi) {
    throw new UsageError(`--${name} must be a whole number from ${lo} to ${hi}, not '${value}'`);
  }
  return v;
}

/** A number from lo to hi, else a UsageError naming --name. */
export function numOpt(name, value, lo, hi) {
  const v = Number(value);
  if (String(value).trim() === '' || !(v >= lo && v <= hi)) {
    throw new UsageError(`--${name} must be a number from ${lo} to ${hi}, not '${value}'`);
  }
  return v;
}
