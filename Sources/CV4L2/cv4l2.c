#include "cv4l2.h"
#include <errno.h>
#include <sys/ioctl.h>
#include <string.h>

int cv4l2_ioctl(int fd, unsigned long request, void *arg) {
    int result;
    do {
        result = ioctl(fd, request, arg);
    } while (result == -1 && errno == EINTR);
    return result;
}

#include <sys/sysmacros.h>

unsigned int cv4l2_major(uint64_t device) { return major(device); }
unsigned int cv4l2_minor(uint64_t device) { return minor(device); }

// struct v4l2_ext_control is packed with a 64-bit member at offset 12; built here rather than in Swift.
int cv4l2_get_control(int fd, uint32_t id, int is_64bit, int64_t *value) {
    struct v4l2_ext_control control;
    struct v4l2_ext_controls controls;
    memset(&control, 0, sizeof control);
    memset(&controls, 0, sizeof controls);
    control.id = id;
    controls.which = V4L2_CTRL_WHICH_CUR_VAL;
    controls.count = 1;
    controls.controls = &control;
    if (cv4l2_ioctl(fd, VIDIOC_G_EXT_CTRLS, &controls) == -1) return -1;
    *value = is_64bit ? control.value64 : control.value;
    return 0;
}

int cv4l2_get_control_payload(int fd, uint32_t id, void *payload, uint32_t size) {
    struct v4l2_ext_control control;
    struct v4l2_ext_controls controls;
    memset(&control, 0, sizeof control);
    memset(&controls, 0, sizeof controls);
    control.id = id;
    control.size = size;
    control.ptr = payload;
    controls.which = V4L2_CTRL_WHICH_CUR_VAL;
    controls.count = 1;
    controls.controls = &control;
    return cv4l2_ioctl(fd, VIDIOC_G_EXT_CTRLS, &controls);
}

int cv4l2_set_control(int fd, uint32_t id, int is_64bit, int64_t value) {
    struct v4l2_ext_control control;
    struct v4l2_ext_controls controls;
    memset(&control, 0, sizeof control);
    memset(&controls, 0, sizeof controls);
    control.id = id;
    if (is_64bit) control.value64 = value; else control.value = (int32_t)value;
    controls.which = V4L2_CTRL_WHICH_CUR_VAL;
    controls.count = 1;
    controls.controls = &control;
    return cv4l2_ioctl(fd, VIDIOC_S_EXT_CTRLS, &controls);
}

int cv4l2_set_compound_control(int fd, uint32_t id, const void *payload, uint32_t size, int request_fd) {
    struct v4l2_ext_control control;
    struct v4l2_ext_controls controls;
    memset(&control, 0, sizeof control);
    memset(&controls, 0, sizeof controls);
    control.id = id;
    control.size = size;
    control.ptr = (void *)payload;
    controls.which = request_fd >= 0 ? V4L2_CTRL_WHICH_REQUEST_VAL : V4L2_CTRL_WHICH_CUR_VAL;
    controls.request_fd = request_fd >= 0 ? request_fd : 0;
    controls.count = 1;
    controls.controls = &control;
    return cv4l2_ioctl(fd, VIDIOC_S_EXT_CTRLS, &controls);
}
