// The `availability-check` command.
//   availability-check serve [--role all|ingress|worker]   run the service (config from the environment)
//   availability-check demo                                 the whole flow, embedded, with local emulators
//   availability-check check aws|azure|gcp ACCOUNT          one check of one account, printed
//   availability-check topology describe|mermaid|dot|svg|list|write-diagrams [NAME] [--out FILE]
import { topologyCommand } from './cli/topology-command.ts';

const USAGE = `usage: availability-check <command>
  serve [--role all|ingress|worker]   run the service; configuration from environment variables
  demo [--once]                       the whole flow on the embedded runtime with local cloud emulators
  check aws|azure|gcp ACCOUNT         one check of one account with the configured identity: outcome, classification, missing permissions
  topology describe|mermaid|dot|svg [NAME] [--out FILE]
  topology list | write-diagrams [--check]`;

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'topology':
      return topologyCommand(args);
    case 'serve': {
      const { serveCommand } = await import('./cli/serve-command.ts');
      return serveCommand(args);
    }
    case 'check': {
      const { checkCommand } = await import('./cli/check-command.ts');
      return checkCommand(args);
    }
    case 'demo': {
      const { demoCommand } = await import('./cli/demo-command.ts');
      return demoCommand(args);
    }
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

// Exit explicitly: after `serve` or `demo` stopped, a client library may still hold a handle
// (a socket in its close handshake) that would keep the process alive.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => { console.error(`availability-check: ${err.message}`); process.exit(1); },
);
