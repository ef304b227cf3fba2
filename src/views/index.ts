/**
 * What the faces show and take: snake_case argument shapes and result views, written once for MCP and HTTP
 * (and their OpenAPI description), mapped from the facade's types by small pure functions.
 */

export * from './inputs.js';
export * from './schemas.js';
export * from './views.js';
