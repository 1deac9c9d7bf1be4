export { buildApp, type AppDeps, type FreeswitchState } from './app.js';
