import {
  Sidebar,
  SidebarDivider,
  SidebarGroup,
  SidebarItem,
  SidebarScrollWrapper,
  SidebarSpace,
} from '@backstage/core-components';
import { NavContentBlueprint } from '@backstage/plugin-app-react';
import { SidebarLogo } from './SidebarLogo';
import MenuIcon from '@material-ui/icons/Menu';
import NotificationsIcon from '@material-ui/icons/Notifications';
import SearchIcon from '@material-ui/icons/Search';
import { SidebarSearchModal } from '@backstage/plugin-search';
import { UserSettingsSignInAvatar } from '@backstage/plugin-user-settings';
import { NotificationsSidebarItem } from '@backstage/plugin-notifications';
import { Tag, TagGroup } from '@backstage/ui';

/**
 * The Notifications item named by what it shows, unread count included: the
 * stock item is labelled "Notifications" while it shows "Notifications 1",
 * which voice-control users cannot match (WCAG 2.5.3).
 */
const NotificationsItem = () => (
  <NotificationsSidebarItem
    renderItem={({ unreadCount, to, onClick }) => (
      <SidebarItem
        to={to}
        onClick={onClick}
        icon={NotificationsIcon}
        text="Notifications"
        // Named by what it shows ("Notifications 1"), not by `text` alone.
        aria-label={undefined}
      >
        {unreadCount > 0 && (
          <TagGroup aria-label="Unread notifications">
            <Tag size="small">{unreadCount > 99 ? '99+' : unreadCount}</Tag>
          </TagGroup>
        )}
      </SidebarItem>
    )}
  />
);

export const SidebarContent = NavContentBlueprint.make({
  params: {
    component: ({ navItems }) => {
      const nav = navItems.withComponent(item => (
        <SidebarItem icon={() => item.icon} to={item.href} text={item.title} />
      ));

      // Skipped items
      nav.take('page:search'); // Using search modal instead
      nav.take('page:notifications'); // Using NotificationsSidebarItem manually instead
      // Off the sidebar so every item fits a 1366×768 screen: registering
      // a component is on Create, the graph opens from every entity's
      // relations card, the visualizer is a tool for portal developers (the
      // pages stay at their paths).
      nav.take('page:catalog-import');
      nav.take('page:catalog-graph');
      nav.take('page:app-visualizer');

      return (
        <Sidebar>
          <SidebarLogo />
          <SidebarGroup label="Search" icon={<SearchIcon />} to="/search">
            <SidebarSearchModal />
          </SidebarGroup>
          <SidebarDivider />
          <SidebarGroup label="Menu" icon={<MenuIcon />}>
            {nav.take('page:home')}
            {nav.take('page:catalog')}
            {nav.take('page:scaffolder')}
            <SidebarDivider />
            <SidebarScrollWrapper>
              {nav.rest({ sortBy: 'title' })}
            </SidebarScrollWrapper>
          </SidebarGroup>
          <SidebarSpace />
          <SidebarDivider />
          <NotificationsItem />
          <SidebarDivider />
          <SidebarGroup
            label="Settings"
            icon={<UserSettingsSignInAvatar />}
            to="/settings"
          >
            {nav.take('page:user-settings')}
          </SidebarGroup>
        </Sidebar>
      );
    },
  },
});
