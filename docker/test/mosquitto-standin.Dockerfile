# Test stand-in for eclipse-mosquitto:2 on machines without an image registry (scripts/test-all.sh
# tags it with that name): Debian's mosquitto package, the same paths, user and command.
FROM node:24-bookworm-slim
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mosquitto >/dev/null \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /mosquitto/config /mosquitto/data /mosquitto/log && chown -R mosquitto:mosquitto /mosquitto
EXPOSE 1883
VOLUME ["/mosquitto/data"]
CMD ["mosquitto", "-c", "/mosquitto/config/mosquitto.conf"]
