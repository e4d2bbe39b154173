// files.mjs — what the CLI reads and says: the audio files under the paths given, and the
// progress lines on stderr.
import fs from 'node:fs';
import path from 'node:path';

export const AUDIO_EXT = /\.(wav|wave|aif|aiff|aifc|flac|ogg|oga|mp3|m4a|aac|opus|webm)$/i;

/** The deepest folder holding every path of `dirs` (absolute). */
export function commonFolder(dirs) {
  if (!dirs.length) return '';
  let parts = dirs[0].split(path.sep);
  for (const d of dirs.slice(1)) {
    const q = d.split(path.sep);
    let k = 0;
    while (k < parts.length && k < q.length && parts[k] === q[k]) k++;
    parts = parts.slice(0, k);
  }
  return parts.join(path.sep) || path.sep;
}

/** Files and folders (walked recursively, audio names only, in name order) → [{file, rel}]:
 *  the absolute path and the name the dataset gives it, relative to the common folder of the
 *  inputs, where a folder given counts from its parent (so its name stays in every path): one
 *  folder gives "folder/a/b.wav", files of one folder their bare names, and two kick.wav from
 *  different folders keep the folders that tell them apart. */
export function collectFiles(inputs, log) {
  const out = [];
  const seen = new Set();
  const anchors = [];
  for (const input of inputs) {
    let st;
    try {
      st = fs.statSync(input);
    } catch {
      log(`${input}: no such file or folder`);
      continue;
    }
    const abs = path.resolve(input);
    anchors.push(path.dirname(abs));
    if (st.isDirectory()) {
      const walk = (dir) => {
        let entries;
        try {
          entries = fs.readdirSync(dir, { withFileTypes: true });
        } catch (e) {
          log(`${dir}: ${e.message}`);
          return;
        }
        entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        for (const e of entries) {
          const p = path.join(dir, e.name);
          if (e.isDirectory()) walk(p);
          else if (e.isFile() && AUDIO_EXT.test(e.name) && !seen.has(p)) {
            seen.add(p);
            out.push({ file: p });
          }
        }
      };
      walk(abs);
    } else if (!seen.has(abs)) {
      seen.add(abs);
      out.push({ file: abs });
    }
  }
  const root = commonFolder(anchors);
  for (const f of out) f.rel = path.relative(root, f.file).split(path.sep).join('/');
  return out;
}

/** Progress on stderr: log(msg) a line; tick(done, total, failed) a throttled count with an
 *  estimate of the time left (one line updated in place on a terminal). */
export function progress(quiet) {
  const t0 = Date.now();
  let last = 0;
  const tty = process.stderr.isTTY;
  return {
    log(msg) {
      if (tty && !quiet) process.stderr.write('\r\x1b[K');
      process.stderr.write(`${msg}\n`);
    },
    tick(done, total, failed, what = 'analysed') {
      if (quiet) return;
      const now = Date.now();
      if (done < total && now - last < (tty ? 100 : 2000)) return;
      last = now;
      const el = (now - t0) / 1000;
      const left = done ? (el / done) * (total - done) : 0;
      const msg =
        `${what} ${done}/${total} files` +
        (failed ? ` · ${failed} failed` : '') +
        (done < total && done ? ` · about ${Math.ceil(left)} s left` : ` · ${el.toFixed(1)} s`);
      process.stderr.write(tty ? `\r\x1b[K${msg}${done === total ? '\n' : ''}` : `${msg}\n`);
    },
  };
}
