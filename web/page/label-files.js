// label-files.js — labels files (.csv / .tsv: "file,label", a header optional) given with the
// sounds, or dropped on a map: they label the sounds they name, as the CLI's --labels does.
// Every problem is listed by the file's name and line (a line without a label, a name given
// twice, a file that is not CSV, names that match no sound); the rest of the labels apply.
import { matchLabelRows, readLabelTable } from '../core/labels.js';
import { progress } from './context.js';
import { relabel } from './predictions.js';
import { reason } from './progress.js';
import { state } from './state.js';

/** [{file, path}] → [{name, rows, problems, notTable}]. */
export async function readLabelFiles(files) {
  const out = [];
  for (const f of files) {
    try {
      out.push({ name: f.path, ...readLabelTable(await f.file.text()) });
    } catch (e) {
      out.push({
        name: f.path,
        rows: [],
        problems: [{ line: 0, reason: `could not be read (${reason(e)})` }],
        notTable: true,
      });
    }
  }
  return out;
}

const MAX_LISTED = 5;

/** Labels for `paths` from the tables (later tables win), as the CLI's --labels: a path no
 *  table names is unlabelled. When no table names any path, `fallback` (the labels the sounds
 *  had: folder names, a naming scheme) stays. Reports each table's problems in the failures
 *  list. */
export function labelsFromTables(tables, paths, fallback) {
  const out = paths.map(() => '');
  let any = 0;
  for (const t of tables) {
    for (const p of t.problems)
      progress.fail(t.name, p.line > 0 ? `line ${p.line}: ${p.reason}` : p.reason);
    if (t.notTable) continue;
    const { labels: got, unmatched } = matchLabelRows(t.rows, paths);
    let used = 0;
    got.forEach((l, i) => {
      if (l !== null) {
        out[i] = l;
        used++;
      }
    });
    any += used;
    if (!used) {
      progress.fail(
        t.name,
        `none of its ${t.rows.length} names matches a sound (line ${t.rows[0].line}: ${t.rows[0].file})`,
      );
      continue;
    }
    for (const r of unmatched.slice(0, MAX_LISTED))
      progress.fail(t.name, `line ${r.line}: ${r.file} matches no sound`);
    if (unmatched.length > MAX_LISTED)
      progress.fail(t.name, `${unmatched.length - MAX_LISTED} more names match no sound`);
  }
  return any ? out : fallback.slice();
}

/** Labels files dropped on a map without sounds: they relabel the sounds on it. */
export async function labelMap(files) {
  const m = state.model;
  if (!m) {
    progress.message('Drop the sounds with the labels file (a labels file alone labels a map)');
    return;
  }
  const tables = await readLabelFiles(files);
  if (state.model !== m) return;
  progress.clearFailures();
  const labels = labelsFromTables(
    tables,
    m.items.map((it) => it.file),
    m.items.map((it) => it.label || ''),
  );
  state.labelTables = [...(state.labelTables ?? []), ...tables];
  m.items.forEach((it, i) => {
    it.label = labels[i];
    if (it.label) it.predicted = null;
  });
  relabel(m);
  const count = labels.filter(Boolean).length;
  const names = files.map((f) => f.path.split('/').pop()).join(', ');
  progress.mapped(m.items.length, m.unit, `${count} labelled from ${names}`);
}
