export type { HttpApp, HttpAppOptions } from './app.js';
export { createHttpApp } from './app.js';
export { checkHttpExposure, checkTokens, isLoopbackHost, MIN_TOKEN_LENGTH } from './guard.js';
export { DEFAULT_SERVER_LIMITS, type ServerLimits } from './limits.js';
export type { HttpServer, HttpServerOptions, McpHttpServer } from './server.js';
export { startHttpServer, startMcpHttpServer } from './server.js';
