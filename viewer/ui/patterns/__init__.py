"""Campaigns in the window: a panel of the largest clusters of the current
result set (under the facets) and a line under the detail pane saying how
often the post being read was copied. `install_campaigns(window)` attaches
both; the work runs on one background thread with its own connection."""
from viewer.ui.patterns.campaigns_panel import CampaignsUI, install_campaigns

__all__ = ["CampaignsUI", "install_campaigns"]
