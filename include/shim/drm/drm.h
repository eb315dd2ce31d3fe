/* SPDX-License-Identifier: GPL-2.0-only */
/* linux/kfd_ioctl.h includes <drm/drm.h>, which no Debian package installs
 * at that path; libdrm-dev has it as <libdrm/drm.h>. */
#include <libdrm/drm.h>
