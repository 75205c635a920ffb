// statfs(2), which tells the type of a file system (Glibc's module map leaves <sys/vfs.h> out).
#if defined(__linux__)
#include <sys/vfs.h>
#else
#include <sys/mount.h>
#endif
