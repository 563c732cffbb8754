import '@testing-library/jest-dom';

// The first render of a test app loads the whole UI library and typing
// re-renders forms; on a busy two-core machine running every suite at once
// a test can take longer than Jest's default 5 s, which is not a failure.
jest.setTimeout(15_000);
