export { createMcpServer } from './server.js';
export type { Session } from './sessions.js';
export { SessionTable } from './sessions.js';
