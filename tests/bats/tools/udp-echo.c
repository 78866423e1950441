/* udp-echo PORT: a UDP echo server for the network tests. Built static by
 * scripts/test-setup and bind-mounted into a busybox container, whose
 * busybox nc cannot do UDP. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

int main(int argc, char **argv)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	char buf[2048];
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (argc != 2 || fd < 0)
		return 2;
	a.sin_port = htons((unsigned short)atoi(argv[1]));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("bind");
		return 1;
	}
	for (;;) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		if (n > 0)
			sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, fl);
	}
}
