import '@testing-library/jest-dom';
import '@paved/portal-ui/chartsInTests';
