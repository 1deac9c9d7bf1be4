export { buildApp, type AppDeps, type FreeswitchState } from './app.js';
export { LiveFeed, type FeedMessage } from './live-feed.js';
