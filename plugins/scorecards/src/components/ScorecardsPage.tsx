import { Route, Routes } from 'react-router-dom';
import { Container, Flex } from '@backstage/ui';
import { AdoptionSection } from './AdoptionSection';
import { CampaignPage } from './CampaignPage';
import { CampaignsSection } from './CampaignsSection';
import { ExceptionsSection } from './ExceptionsSection';
import { OrganisationSection } from './OrganisationSection';

/**
 * The platform team's Scorecards page: levels, golden-path adoption,
 * campaigns and exceptions across the catalog; a campaign's own page below it.
 */
export const ScorecardsPage = () => (
  <Routes>
    <Route
      path="/"
      element={
        <Container>
          <Flex direction="column" gap="6">
            <OrganisationSection />
            <AdoptionSection />
            <CampaignsSection />
            <ExceptionsSection />
          </Flex>
        </Container>
      }
    />
    <Route path="/campaigns/:id" element={<CampaignPage />} />
  </Routes>
);
