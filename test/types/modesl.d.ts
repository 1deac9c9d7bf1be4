// modesl 1.2.1 ships no types (and @types/modesl does not exist). The simulator tests drive it
// through their own narrow interfaces, so the module itself stays untyped here.
declare module 'modesl';
