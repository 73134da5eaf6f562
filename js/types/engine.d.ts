// Placeholder until the engine feature lands.
export {};
