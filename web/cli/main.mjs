// main.mjs — `node dist/sonomap.mjs analyze|project|merge|site|similar ...`: the same wasm engine as the page, run
// under Node, writing a dataset folder of static files (README "Command line"). This module
// only dispatches: each subcommand lives in its own module with its options and usage. It is
// also the analysis worker threads' script (they run analyze-worker.mjs) and the map worker
// threads' (map-tasks.mjs).
import { isMainThread, workerData } from 'node:worker_threads';
import { ANALYZE_OPTIONS, ANALYZE_USAGE, analyze, analyzeSettings } from './analyze.mjs';
import { runAnalysisWorker } from './analyze-worker.mjs';
import { readArgs, UsageError } from './args.mjs';
import { runMapWorker } from './map-tasks.mjs';
import { MERGE_OPTIONS, MERGE_USAGE, merge, mergeSettings } from './merge.mjs';
import { PROJECT_OPTIONS, PROJECT_USAGE, project, projectSettings } from './project.mjs';
import { SIMILAR_OPTIONS, SIMILAR_USAGE, similar, similarSettings } from './similar.mjs';
import { SITE_OPTIONS, SITE_USAGE, site, siteSettings } from './site.mjs';

const VERSION = '0.1.0';
const ctx = {
  version: VERSION,
  wasmUrl: new URL('./sonomap.wasm', import.meta.url),
  entryUrl: new URL(import.meta.url),
};

const USAGE = `sonomap ${VERSION} — a map of sounds you can hear

usage:
  sonomap analyze <file-or-folder>... --out <dir> [options]
  sonomap analyze <file-or-folder>... --shard <i>/<n> --out <part-dir> [options]
  sonomap merge <part-dir>... --out <dir> [options]
  sonomap project <embeddings.npy> --out <dir> [options]
  sonomap site <dataset-dir>... --out <dir>
  sonomap similar <dataset-dir> <file-or-index> [--k <n>] [--json]
  sonomap version
  sonomap <command> --help      the options of a command
`;

const COMMANDS = {
  analyze: {
    options: ANALYZE_OPTIONS,
    usage: ANALYZE_USAGE,
    settings: analyzeSettings,
    run: analyze,
  },
  project: {
    options: PROJECT_OPTIONS,
    usage: PROJECT_USAGE,
    settings: projectSettings,
    run: project,
  },
  merge: {
    options: MERGE_OPTIONS,
    usage: MERGE_USAGE,
    settings: mergeSettings,
    run: merge,
  },
  site: {
    options: SITE_OPTIONS,
    usage: SITE_USAGE,
    settings: siteSettings,
    run: site,
  },
  similar: {
    options: SIMILAR_OPTIONS,
    usage: SIMILAR_USAGE,
    settings: similarSettings,
    run: similar,
  },
};

/** Runs the command line; resolves the exit status (0 done, 1 nothing could be done, 2 a
 *  usage mistake or a failure). */
export async function main(argv) {
  const [cmd, ...rest] = argv;
  if (cmd === undefined) {
    process.stderr.write(USAGE);
    return 2;
  }
  if (cmd === '-h' || cmd === '--help' || cmd === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (cmd === 'version' || cmd === '--version') {
    process.stdout.write(`sonomap ${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS[cmd];
  if (!command) {
    process.stderr.write(
      `sonomap: unknown command '${cmd}' (${Object.keys(COMMANDS).join(', ')})\n\n${USAGE}`,
    );
    return 2;
  }
  let settings;
  try {
    const { values, positionals } = readArgs(rest, command.options, cmd);
    if (values.help) {
      process.stdout.write(command.usage);
      return 0;
    }
    settings = command.settings(values, positionals);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`sonomap ${cmd}: ${e.message}\n\n${command.usage}`);
    return 2;
  }
  return command.run(settings, ctx);
}

if (!isMainThread && workerData?.sonomapWorker) {
  await runAnalysisWorker(ctx.wasmUrl, workerData.model);
} else if (!isMainThread && workerData?.sonomapMapWorker) {
  await runMapWorker(workerData.wasm);
} else if (isMainThread) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`sonomap: ${e.message}\n`);
      process.exitCode = 2;
    },
  );
}
