/** The terminal's sync: local log, transport, engine, coordinator (see each module). */
export * from './env';
export * from './backoff';
export * from './errors';
export * from './transport';
export * from './upstreams';
export * from './leader';
export * from './local';
export * from './push';
export * from './pull';
export * from './live';
export * from './status';
export * from './engine';
export * from './coordinator';
export * from './terminal';
