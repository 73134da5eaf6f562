// Placeholder until the preview feature lands.
export {};
