// Passing an open file descriptor between processes over a unix socket (SCM_RIGHTS), for
// the privileged helper: it spawns bpftrace with stdout on a pipe and hands the pipe's read
// end to the unprivileged engine, which then reads bpftrace's output itself instead of
// having the helper relay every byte. Node cannot send a plain fd over a socket it did not
// open as an IPC channel, hence these three calls.
#include <sys/socket.h>
#include <sys/types.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "kscope.h"

namespace kscope {

SocketPair MakeSocketPair() {
  SocketPair r;
  int fds[2];
  // SOCK_STREAM: it is also the helper's stdin, a byte stream of request frames.
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    r.err = errno;
    return r;
  }
  r.a = fds[0];
  r.b = fds[1];
  return r;
}

int SendFd(int sock, int fd, uint32_t tag) {
  // The tag (a run id) is the one data byte group the descriptor rides on, so the receiver
  // can check it got the descriptor it expects.
  unsigned char data[4] = {static_cast<unsigned char>(tag >> 24), static_cast<unsigned char>(tag >> 16), static_cast<unsigned char>(tag >> 8), static_cast<unsigned char>(tag)};
  struct iovec iov = {data, sizeof data};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } ctl;
  memset(&ctl, 0, sizeof ctl);
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = ctl.buf;
  msg.msg_controllen = sizeof ctl.buf;
  struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof(int));
  for (;;) {
    ssize_t n = sendmsg(sock, &msg, MSG_NOSIGNAL);
    if (n == static_cast<ssize_t>(sizeof data)) return 0;
    if (n < 0 && errno == EINTR) continue;
    return n < 0 ? errno : EIO;  // a short write of 4 bytes on a unix stream socket: treat as failure
  }
}

ReceivedFd RecvFd(int sock) {
  ReceivedFd r;
  unsigned char data[4];
  struct iovec iov = {data, sizeof data};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } ctl;
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = ctl.buf;
  msg.msg_controllen = sizeof ctl.buf;
  ssize_t n;
  do {
    // Never blocks: the sender sends the descriptor before it replies, so it is here already.
    n = recvmsg(sock, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    r.err = errno;
    return r;
  }
  for (struct cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int))) memcpy(&r.fd, CMSG_DATA(c), sizeof(int));
  }
  if (n != static_cast<ssize_t>(sizeof data) || (msg.msg_flags & MSG_CTRUNC) || r.fd < 0) {
    if (r.fd >= 0) close(r.fd);
    r.fd = -1;
    r.err = EPROTO;
    return r;
  }
  r.tag = (static_cast<uint32_t>(data[0]) << 24) | (static_cast<uint32_t>(data[1]) << 16) | (static_cast<uint32_t>(data[2]) << 8) | data[3];
  return r;
}

bool IsUnixSocket(int fd) {
  int type = 0;
  socklen_t len = sizeof type;
  struct sockaddr_storage addr;
  socklen_t alen = sizeof addr;
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0) return false;
  if (getsockname(fd, reinterpret_cast<struct sockaddr*>(&addr), &alen) != 0) return false;
  return addr.ss_family == AF_UNIX;
}

}  // namespace kscope
