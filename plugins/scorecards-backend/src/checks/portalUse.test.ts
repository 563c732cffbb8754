import { classifyPath } from './portalUse';

describe('classifyPath', () => {
  it('counts docs by the entity whose site was read', () => {
    expect(
      classifyPath('/docs/default/Component/checkout-service/runbook/#alerts'),
    ).toEqual({ kind: 'docs', subject: 'component:default/checkout-service' });
  });

  it('counts an entity page by its kind and tab, whatever the entity', () => {
    expect(
      classifyPath('/catalog/default/component/checkout-service/delivery'),
    ).toEqual({ kind: 'page', subject: '/catalog/component/delivery' });
    expect(classifyPath('/catalog/default/group/checkout?tab=x')).toEqual({
      kind: 'page',
      subject: '/catalog/group',
    });
  });

  it('counts any other page by its first segment, the home page as /', () => {
    expect(classifyPath('/scorecards/campaigns/6b0c')).toEqual({
      kind: 'page',
      subject: '/scorecards',
    });
    expect(classifyPath('/')).toEqual({ kind: 'page', subject: '/' });
  });

  it('counts nothing that is not the shape of the portal’s own paths', () => {
    for (const path of [
      'https://evil.example/x',
      '/catalog/default/component/<script>',
      '/docs/default/component/a%2Fb',
      `/${'a'.repeat(600)}`,
      'relative/path',
    ]) {
      expect(classifyPath(path)).toBeUndefined();
    }
  });
});
