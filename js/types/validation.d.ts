// Placeholder until the validation feature lands.
export {};
