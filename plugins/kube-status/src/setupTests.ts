import '@testing-library/jest-dom';

// The first render of a test app loads the whole UI library, which on a
// busy two-core machine can take longer than Jest's default 5 s.
jest.setTimeout(15_000);
