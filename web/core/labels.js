// labels.js — labels from file names and folders, as the common datasets encode them.

// ESC-50: "{fold}-{clip id}-{take}-{target}.wav", targets 0..49 in this order.
const ESC50 = (
  'dog rooster pig cow frog cat hen insects sheep crow rain sea_waves crackling_fire ' +
  'crickets chirping_birds water_drops wind pouring_water toilet_flush thunderstorm crying_baby ' +
  'sneezing clapping breathing coughing footsteps laughing brushing_teeth snoring ' +
  'drinking_sipping door_wood_knock mouse_click keyboard_typing door_wood_creaks can_opening ' +
  'washing_machine vacuum_cleaner clock_alarm clock_tick glass_breaking helicopter chainsaw siren ' +
  'car_horn engine train church_bells airplane fireworks hand_saw'
).split(' ');
// UrbanSound8K: "{fsID}-{classID}-{occurrenceID}-{sliceID}.wav".
const URBAN = (
  'air_conditioner car_horn children_playing dog_bark drilling engine_idling gun_shot ' +
  'jackhammer siren street_music'
).split(' ');

export const LABEL_SCHEMES = ['folder', 'esc50', 'urbansound8k', 'nsynth', 'speechcommands'];

const base = (p) => p.split(/[\\/]/).pop();
const stem = (p) => base(p).replace(/\.[^.]*$/, '');
const parent = (p) => {
  const parts = p.split(/[\\/]/).filter(Boolean);
  return parts.length > 1 ? parts[parts.length - 2] : '';
};

/** A function path → label ('' when the name does not follow the scheme). `table` is a Map of
 *  file path or base name → label, for CSV label files. */
export function labeller(scheme, table = null) {
  switch (scheme) {
    case undefined:
    case null:
    case '':
    case 'none':
      return () => '';
    case 'folder':
    case 'speechcommands':
      return parent;
    case 'esc50':
      return (p) => {
        const m = /^\d+-[^-]+-[A-Za-z]+-(\d+)$/.exec(stem(p));
        return m && ESC50[+m[1]] ? ESC50[+m[1]] : '';
      };
    case 'urbansound8k':
      return (p) => {
        const m = /^\d+-(\d+)-\d+-\d+$/.exec(stem(p));
        return m && URBAN[+m[1]] ? URBAN[+m[1]] : '';
      };
    case 'nsynth':
      return (p) => {
        const m = /^([a-z]+)_(acoustic|electronic|synthetic)_\d+-\d+-\d+$/.exec(stem(p));
        return m ? m[1] : '';
      };
    case 'table':
      return (p) => table.get(p) ?? table.get(base(p)) ?? '';
    default:
      throw new Error(
        `unknown label scheme '${scheme}' (${LABEL_SCHEMES.join(', ')} or a .csv file)`,
      );
  }
}

/** The cells of one CSV/TSV line (comma or tab, double quotes allowed). */
function cellsOf(line) {
  const cells = [];
  let cur = '',
    q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (q) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') q = false;
      else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',' || ch === '\t') {
      cells.push(cur);
      cur = '';
    } else cur += ch;
  }
  cells.push(cur);
  return cells.map((c) => c.trim());
}

const FILE_COLUMN = /^(file|filename|file_name|path|name|sound)$/i;
const LABEL_COLUMN = /^(label|class|category|class_name|classname)$/i;

/** Reads a labels file: "file,label" rows (comma or tab separated, quotes allowed), with or
 *  without a header (a first row naming a file column and a label column, in any order, among
 *  others). Returns {table: Map file → label (the first row of a name wins), rows: [{file,
 *  label, line}], problems: [{line, reason}] (1-based lines), notTable: true when nothing in it
 *  reads as file,label rows (binary, JSON, one column)}. */
export function readLabelTable(text) {
  const table = new Map();
  const rows = [];
  const problems = [];
  const firstLine = new Map();
  if (/\0/.test(text) || !/[,\t]/.test(text))
    return {
      table,
      rows,
      problems: [{ line: 1, reason: 'is not a CSV/TSV of file,label rows' }],
      notTable: true,
    };
  const lines = text.split(/\r?\n/);
  let fileCol = 0,
    labelCol = 1,
    seenFirst = false;
  for (let k = 0; k < lines.length; k++) {
    const line = k + 1;
    if (!lines[k].trim()) continue;
    const cells = cellsOf(k === 0 ? lines[k].replace(/^\uFEFF/, '') : lines[k]);
    if (!seenFirst) {
      seenFirst = true;
      const f = cells.findIndex((c) => FILE_COLUMN.test(c));
      const l = cells.findIndex((c) => LABEL_COLUMN.test(c));
      if (f >= 0 && l >= 0) {
        fileCol = f;
        labelCol = l;
        continue;
      }
    }
    if (cells.length <= Math.max(fileCol, labelCol)) {
      problems.push({ line, reason: 'has no label (expected file,label)' });
      continue;
    }
    const file = cells[fileCol];
    const label = cells[labelCol];
    if (!file) {
      problems.push({ line, reason: 'has no file name' });
      continue;
    }
    if (firstLine.has(file)) {
      problems.push({
        line,
        reason: `names ${file} twice (first on line ${firstLine.get(file)}); the first label is kept`,
      });
      continue;
    }
    firstLine.set(file, line);
    rows.push({ file, label, line });
    table.set(file, label);
  }
  const notTable = rows.length === 0;
  if (notTable && !problems.length) problems.push({ line: 1, reason: 'has no file,label rows' });
  return { table, rows, problems, notTable };
}

/** Parse "file,label" CSV (header optional, quotes allowed) into a Map (readLabelTable's table). */
export function parseLabelCsv(text) {
  return readLabelTable(text).table;
}

/** Which row of a labels table names each path: the row naming the path itself, else the one
 *  naming its end (a row "sub/x.wav" names "folder/sub/x.wav", a row "x.wav" names every path
 *  ending in /x.wav), else one whose name ends with the path (a row holding an absolute path).
 *  Returns {labels: per path the label or null, unmatched: rows that name no path}. */
export function matchLabelRows(rows, paths) {
  const norm = (f) => f.replace(/\\/g, '/').replace(/^\.\//, '');
  const byName = new Map();
  const byEnd = new Map(); // every end of every row's name ("a/b/x.wav": "b/x.wav", "x.wav")
  for (const r of rows) {
    const parts = norm(r.file).split('/');
    if (!byName.has(parts.join('/'))) byName.set(parts.join('/'), r);
    for (let s = 1; s < parts.length; s++) {
      const end = parts.slice(s).join('/');
      if (!byEnd.has(end)) byEnd.set(end, r);
    }
  }
  const used = new Set();
  const labels = paths.map((p) => {
    const parts = norm(p).split('/');
    let r = null;
    for (let s = 0; s < parts.length && !r; s++) r = byName.get(parts.slice(s).join('/'));
    r ??= byEnd.get(parts.join('/'));
    if (!r) return null;
    used.add(r);
    return r.label;
  });
  return { labels, unmatched: rows.filter((r) => !used.has(r)) };
}
