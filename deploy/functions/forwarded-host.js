// CloudFront Function (cloudfront-js-2.0), viewer request.
//
// CloudFront talks to the origin under the origin's own name, so the Host the
// reader used never reaches grail. Copying it into X-Forwarded-Host keeps it.
// A value the reader sent is overwritten, or removed when there is no Host,
// so nobody can make the pages CloudFront caches link to another site.
// Host names are case-insensitive; lowercasing the copy keeps
// Blog.Example.COM and blog.example.com one entry in the cache.
function handler(event) {
    var request = event.request;
    var host = request.headers.host;
    if (host && host.value) {
        request.headers['x-forwarded-host'] = { value: host.value.toLowerCase() };
    } else {
        delete request.headers['x-forwarded-host'];
    }
    return request;
}
