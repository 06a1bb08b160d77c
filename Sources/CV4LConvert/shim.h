#include <stdint.h>
#include <sys/types.h>
#include <linux/videodev2.h>
#include <libv4lconvert.h>
#include <libv4l-plugin.h>
