import { visitOf } from './visits';

describe('visitOf', () => {
  it('counts every tab of an entity as one visit of the entity', () => {
    const overview = visitOf('/catalog/default/group/fulfilment');
    expect(overview).toEqual({
      name: 'fulfilment',
      pathname: '/catalog/default/group/fulfilment',
      entityRef: 'group:default/fulfilment',
    });
    expect(visitOf('/catalog/default/group/fulfilment/outcomes')).toEqual(
      overview,
    );
    expect(visitOf('/catalog/default/group/fulfilment/cost')).toEqual(overview);
  });

  it('counts a page and its sub-pages as one visit, and the home page as none', () => {
    expect(visitOf('/delivery')).toEqual({
      name: 'delivery',
      pathname: '/delivery',
    });
    expect(visitOf('/create/tasks/123')).toEqual({
      name: 'create',
      pathname: '/create',
    });
    expect(visitOf('/')).toBeUndefined();
  });
});
