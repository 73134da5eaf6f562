// Placeholder until the csv feature lands.
export {};
