// The V4L2 module: Swift over the kernel video API (see VideoDevice).
