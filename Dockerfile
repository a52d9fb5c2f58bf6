# Build a static binary, then ship it alone on a non-root base image.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /outreachbot ./cmd/outreachbot

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /outreachbot /outreachbot
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/outreachbot"]
CMD ["run"]
