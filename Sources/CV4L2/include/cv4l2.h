#ifndef CV4L2_H
#define CV4L2_H
#include <stdint.h>
#include <sys/types.h>
#include <linux/videodev2.h>
#include <linux/media.h>
#include <linux/dma-buf.h>

/// ioctl that retries on EINTR; returns 0 or -1 with errno set. Swift cannot call variadic ioctl.
int cv4l2_ioctl(int fd, unsigned long request, void *arg);

#endif
