import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';
import '@paved/portal-ui/chartsInTests';

// The machine running the suite is shared; a first render of the tab (the
// lazy MUI and react-aria trees) can take seconds, which is not a failure.
configure({ asyncUtilTimeout: 8000 });
jest.setTimeout(30_000);
