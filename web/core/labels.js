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

/** Parse "file,label" CSV (header optional, quotes allowed) into a Map. */
export function parseLabelCsv(text) {
  const map = new Map();
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue;
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
    if (cells.length < 2) continue;
    const [file, label] = [cells[0].trim(), cells[1].trim()];
    if (/^(file|filename|path)$/i.test(file) && /^(label|class|category)$/i.test(label)) continue;
    map.set(file, label);
  }
  return map;
}
