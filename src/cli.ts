// The `availability-check` command.
//   availability-check serve [--role all|ingress|worker]   run the service (config from the environment)
//   availability-check demo                                 the whole flow, embedded, with local emulators
//   availability-check topology describe|mermaid|dot|svg|list|write-diagrams [NAME] [--out FILE]
import { topologyCommand } from './cli/topology-command.ts';

const USAGE = `usage: availability-check <command>
  serve [--role all|ingress|worker]   run the service; configuration from environment variables
  demo                                the whole flow on the embedded runtime with local cloud emulators
  topology describe|mermaid|dot|svg [NAME] [--out FILE]
  topology list | write-diagrams [--check]`;

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'topology':
      return topologyCommand(args);
    case undefined:
    case 'help':
    case '--help':
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      console.error(`unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: Error) => { console.error(`availability-check: ${err.message}`); process.exitCode = 1; },
);
