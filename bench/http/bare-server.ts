// The baseline: a bare Fastify serving fixed JSON bodies from memory, no database, no hooks.
// Bodies are keyed by "METHOD url"; a request body is read and ignored.
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const bodies: Record<string, string> = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const app = Fastify();
app.route({
  method: ['GET', 'PATCH'],
  url: '/*',
  handler: (request, reply) => {
    const body = bodies[`${request.method} ${request.url}`];
    return body === undefined ? reply.status(404).send() : reply.type('application/json').send(body);
  },
});
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${address}\n`);
