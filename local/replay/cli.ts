/** Run the replay server standalone: `tsx local/replay/cli.ts --dir DIR [--port N] [--data-timestamp TS]`. */
import { parseArgs } from 'node:util';
import { startReplayServer } from './server.ts';

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    port: { type: 'string', default: '0' },
    'data-timestamp': { type: 'string' },
  },
});

if (!values.dir) {
  console.error('usage: tsx local/replay/cli.ts --dir DIR [--port N] [--data-timestamp TS]');
  process.exit(2);
}

const server = await startReplayServer({
  dir: values.dir,
  port: Number(values.port),
  dataTimestamp: values['data-timestamp'],
});
console.log(
  `replay: ${server.size} studies from ${values.dir} at ${server.baseUrl} (dataTimestamp ${server.dataTimestamp})`,
);
const stop = () => {
  console.log(`replay: ${server.stats.requests} requests served; closing`);
  void server.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
