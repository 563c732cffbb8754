export { createGoldenPathValidateAction } from './validate';
export { createGoldenPathPublishAction } from './publish';
export { createGoldenPathRegisterAction } from './register';
export { createGoldenPathUpgradeAction } from './upgrade';
