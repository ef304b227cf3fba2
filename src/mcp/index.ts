export { createMcpServer, mcpTools } from './server.js';
export type { Session } from './sessions.js';
export { SessionTable } from './sessions.js';
export type { Tool } from './tool.js';
