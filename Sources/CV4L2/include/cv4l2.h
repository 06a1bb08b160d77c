#ifndef CV4L2_H
#define CV4L2_H
#include <stdint.h>
#include <sys/types.h>
#include <linux/videodev2.h>
#include <linux/media.h>
#include <linux/v4l2-subdev.h>
#include <linux/dma-buf.h>

/// ioctl that retries on EINTR; returns 0 or -1 with errno set. Swift cannot call variadic ioctl.
int cv4l2_ioctl(int fd, unsigned long request, void *arg);

// ioctl request codes: _IOWR and friends are function-like macros, invisible to Swift.
static const unsigned long CV4L2_VIDIOC_QUERYCAP = VIDIOC_QUERYCAP;
static const unsigned long CV4L2_VIDIOC_ENUM_FMT = VIDIOC_ENUM_FMT;
static const unsigned long CV4L2_VIDIOC_G_FMT = VIDIOC_G_FMT;
static const unsigned long CV4L2_VIDIOC_S_FMT = VIDIOC_S_FMT;
static const unsigned long CV4L2_VIDIOC_TRY_FMT = VIDIOC_TRY_FMT;
static const unsigned long CV4L2_VIDIOC_ENUM_FRAMESIZES = VIDIOC_ENUM_FRAMESIZES;
static const unsigned long CV4L2_VIDIOC_ENUM_FRAMEINTERVALS = VIDIOC_ENUM_FRAMEINTERVALS;
static const unsigned long CV4L2_VIDIOC_REQBUFS = VIDIOC_REQBUFS;
static const unsigned long CV4L2_VIDIOC_QUERYBUF = VIDIOC_QUERYBUF;
static const unsigned long CV4L2_VIDIOC_QBUF = VIDIOC_QBUF;
static const unsigned long CV4L2_VIDIOC_DQBUF = VIDIOC_DQBUF;
static const unsigned long CV4L2_VIDIOC_EXPBUF = VIDIOC_EXPBUF;
static const unsigned long CV4L2_VIDIOC_STREAMON = VIDIOC_STREAMON;
static const unsigned long CV4L2_VIDIOC_STREAMOFF = VIDIOC_STREAMOFF;
static const unsigned long CV4L2_VIDIOC_QUERYCTRL = VIDIOC_QUERYCTRL;
static const unsigned long CV4L2_VIDIOC_QUERY_EXT_CTRL = VIDIOC_QUERY_EXT_CTRL;
static const unsigned long CV4L2_VIDIOC_QUERYMENU = VIDIOC_QUERYMENU;
static const unsigned long CV4L2_VIDIOC_G_EXT_CTRLS = VIDIOC_G_EXT_CTRLS;
static const unsigned long CV4L2_VIDIOC_S_EXT_CTRLS = VIDIOC_S_EXT_CTRLS;
static const unsigned long CV4L2_VIDIOC_G_PARM = VIDIOC_G_PARM;
static const unsigned long CV4L2_VIDIOC_S_PARM = VIDIOC_S_PARM;
static const unsigned long CV4L2_VIDIOC_SUBSCRIBE_EVENT = VIDIOC_SUBSCRIBE_EVENT;
static const unsigned long CV4L2_VIDIOC_DQEVENT = VIDIOC_DQEVENT;
static const unsigned long CV4L2_VIDIOC_ENCODER_CMD = VIDIOC_ENCODER_CMD;
static const unsigned long CV4L2_VIDIOC_TRY_ENCODER_CMD = VIDIOC_TRY_ENCODER_CMD;
static const unsigned long CV4L2_VIDIOC_DECODER_CMD = VIDIOC_DECODER_CMD;
static const unsigned long CV4L2_VIDIOC_TRY_DECODER_CMD = VIDIOC_TRY_DECODER_CMD;
static const unsigned long CV4L2_VIDIOC_G_SELECTION = VIDIOC_G_SELECTION;
static const unsigned long CV4L2_VIDIOC_S_SELECTION = VIDIOC_S_SELECTION;

static const unsigned long CV4L2_VIDIOC_SUBDEV_G_FMT = VIDIOC_SUBDEV_G_FMT;
static const unsigned long CV4L2_VIDIOC_SUBDEV_G_FRAME_INTERVAL = VIDIOC_SUBDEV_G_FRAME_INTERVAL;
static const unsigned long CV4L2_VIDIOC_SUBDEV_G_SELECTION = VIDIOC_SUBDEV_G_SELECTION;

static const unsigned long CV4L2_MEDIA_IOC_DEVICE_INFO = MEDIA_IOC_DEVICE_INFO;
static const unsigned long CV4L2_MEDIA_IOC_G_TOPOLOGY = MEDIA_IOC_G_TOPOLOGY;
static const unsigned long CV4L2_MEDIA_IOC_REQUEST_ALLOC = MEDIA_IOC_REQUEST_ALLOC;
static const unsigned long CV4L2_MEDIA_REQUEST_IOC_QUEUE = MEDIA_REQUEST_IOC_QUEUE;
static const unsigned long CV4L2_MEDIA_REQUEST_IOC_REINIT = MEDIA_REQUEST_IOC_REINIT;

static const unsigned long CV4L2_DMA_BUF_IOCTL_SYNC = DMA_BUF_IOCTL_SYNC;
static const uint64_t CV4L2_DMA_BUF_SYNC_READ = DMA_BUF_SYNC_READ;
static const uint64_t CV4L2_DMA_BUF_SYNC_WRITE = DMA_BUF_SYNC_WRITE;
static const uint64_t CV4L2_DMA_BUF_SYNC_START = DMA_BUF_SYNC_START;
static const uint64_t CV4L2_DMA_BUF_SYNC_END = DMA_BUF_SYNC_END;

static const uint32_t CV4L2_MEDIA_LNK_FL_INTERFACE_LINK = MEDIA_LNK_FL_INTERFACE_LINK;
static const uint32_t CV4L2_MEDIA_LNK_FL_LINK_TYPE = MEDIA_LNK_FL_LINK_TYPE;

// Pixel and metadata format codes: v4l2_fourcc() is a function-like macro.
static const uint32_t CV4L2_PIX_FMT_NV12 = V4L2_PIX_FMT_NV12;
static const uint32_t CV4L2_PIX_FMT_NV12M = V4L2_PIX_FMT_NV12M;
static const uint32_t CV4L2_PIX_FMT_YUYV = V4L2_PIX_FMT_YUYV;
static const uint32_t CV4L2_PIX_FMT_RGB24 = V4L2_PIX_FMT_RGB24;
static const uint32_t CV4L2_PIX_FMT_BGR24 = V4L2_PIX_FMT_BGR24;
static const uint32_t CV4L2_PIX_FMT_GREY = V4L2_PIX_FMT_GREY;
static const uint32_t CV4L2_PIX_FMT_SGRBG8 = V4L2_PIX_FMT_SGRBG8;
static const uint32_t CV4L2_META_FMT_VIVID = V4L2_META_FMT_VIVID;
static const uint32_t CV4L2_PIX_FMT_FWHT = V4L2_PIX_FMT_FWHT;
static const uint32_t CV4L2_PIX_FMT_FWHT_STATELESS = V4L2_PIX_FMT_FWHT_STATELESS;
static const uint32_t CV4L2_CID_STATELESS_FWHT_PARAMS = V4L2_CID_STATELESS_FWHT_PARAMS;

// The V4L2_TYPE_IS_* macros.
static inline int cv4l2_type_is_multiplanar(uint32_t type) { return V4L2_TYPE_IS_MULTIPLANAR(type); }
static inline int cv4l2_type_is_output(uint32_t type) { return V4L2_TYPE_IS_OUTPUT(type); }
static inline int cv4l2_type_is_capture(uint32_t type) { return V4L2_TYPE_IS_CAPTURE(type); }

// Device numbers of a character device (major()/minor() are macros in sys/sysmacros.h).
unsigned int cv4l2_major(uint64_t device);
unsigned int cv4l2_minor(uint64_t device);

// Reads or writes one control's current value with VIDIOC_G/S_EXT_CTRLS (value64 when is_64bit).
// Return 0 or -1 with errno set.
int cv4l2_get_control(int fd, uint32_t id, int is_64bit, int64_t *value);
int cv4l2_set_control(int fd, uint32_t id, int is_64bit, int64_t value);
// Reads the current value of a control with a payload (a string, an array or a compound control;
// V4L2_CTRL_FLAG_HAS_PAYLOAD) into `size` bytes at `payload` with VIDIOC_G_EXT_CTRLS.
int cv4l2_get_control_payload(int fd, uint32_t id, void *payload, uint32_t size);

// Sets one compound control (a struct of `size` bytes at `payload`) with VIDIOC_S_EXT_CTRLS,
// into the media request `request_fd` (V4L2_CTRL_WHICH_REQUEST_VAL) when it is >= 0, else the
// current value. Returns 0 or -1 with errno set.
int cv4l2_set_compound_control(int fd, uint32_t id, const void *payload, uint32_t size, int request_fd);

// The v4l2_event payload of V4L2_EVENT_SOURCE_CHANGE (its `changes` bits) and of V4L2_EVENT_CTRL
// (the id is the event's own `id`); the union is easier to read in C.
static inline uint32_t cv4l2_event_source_changes(const struct v4l2_event *event) { return event->u.src_change.changes; }

#endif
