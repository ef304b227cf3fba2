export type { McpHttpOptions, McpHttpServer } from './http.js';
export { checkHttpExposure, isLoopbackHost, startMcpHttpServer } from './http.js';
export { createMcpServer } from './server.js';
