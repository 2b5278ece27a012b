// Apache Jena's own query engine (ARQ) and store (TDB2), from Debian's libapache-jena-java,
// behind the two services policykg asks of a Fuseki dataset: SPARQL 1.1 Query at /NAME/sparql
// and the Graph Store Protocol at /NAME/data. For the remote-store tests only (tests/stores.py),
// where Fuseki itself cannot be fetched (it comes from Maven Central alone). It is not Fuseki:
// what it checks is the engine Fuseki answers with (its SPARQL dialect, its TDB2 union default
// graph, its protocol dataset), with an HTTP layer of our own from the JDK.
//
//     java -cp CLASSPATH JenaEndpoint PORT TDB2_FOLDER [NAME]      (binds 127.0.0.1 only)

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.apache.jena.graph.Graph;
import org.apache.jena.graph.Node;
import org.apache.jena.graph.NodeFactory;
import org.apache.jena.query.Dataset;
import org.apache.jena.query.DatasetFactory;
import org.apache.jena.query.Query;
import org.apache.jena.query.QueryCancelledException;
import org.apache.jena.query.QueryExecution;
import org.apache.jena.query.QueryExecutionFactory;
import org.apache.jena.query.QueryFactory;
import org.apache.jena.query.QueryParseException;
import org.apache.jena.query.ResultSetFormatter;
import org.apache.jena.query.Syntax;
import org.apache.jena.rdf.model.Model;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.riot.RDFLanguages;
import org.apache.jena.riot.RDFParser;
import org.apache.jena.riot.RiotException;
import org.apache.jena.sparql.core.DatasetGraph;
import org.apache.jena.sparql.core.DynamicDatasets;
import org.apache.jena.sparql.graph.GraphFactory;
import org.apache.jena.system.Txn;
import org.apache.jena.tdb2.TDB2;
import org.apache.jena.tdb2.TDB2Factory;

public final class JenaEndpoint {
    private static final long TIMEOUT_SECONDS = 60;

    /** An answer: status, content type, body. */
    private record Answer(int status, String type, byte[] body) {
        static Answer text(int status, String message) {
            return new Answer(status, "text/plain; charset=utf-8", (message + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    private final Dataset dataset;

    private JenaEndpoint(Dataset dataset) {
        this.dataset = dataset;
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: JenaEndpoint PORT TDB2_FOLDER [NAME]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        String name = args.length > 2 ? args[2] : "policykg";
        JenaEndpoint endpoint = new JenaEndpoint(TDB2Factory.connectDataset(args[1]));
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        server.createContext("/" + name + "/sparql", ex -> endpoint.serve(ex, endpoint::query));
        server.createContext("/" + name + "/data", ex -> endpoint.serve(ex, endpoint::graphStore));
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        System.out.println("JenaEndpoint: http://127.0.0.1:" + port + "/" + name + "/sparql");
    }

    private interface Handler {
        Answer handle(HttpExchange exchange, byte[] body, Map<String, List<String>> params) throws Exception;
    }

    private void serve(HttpExchange exchange, Handler handler) throws IOException {
        Answer answer;
        try {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<String, List<String>> params = parse(exchange.getRequestURI().getRawQuery());
            if (exchange.getRequestMethod().equals("POST") && contentType(exchange).equals("application/x-www-form-urlencoded")) {
                parse(new String(body, StandardCharsets.UTF_8)).forEach((k, v) -> params.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
            }
            answer = handler.handle(exchange, body, params);
        } catch (QueryParseException e) {
            answer = Answer.text(400, "Parse error: " + e.getMessage());
        } catch (RiotException e) {
            answer = Answer.text(400, "Bad RDF: " + e.getMessage());
        } catch (QueryCancelledException e) {
            answer = Answer.text(503, "Query timed out after " + TIMEOUT_SECONDS + " s");
        } catch (Exception e) {
            answer = Answer.text(500, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        exchange.getResponseHeaders().set("Content-Type", answer.type());
        exchange.sendResponseHeaders(answer.status(), answer.body().length == 0 ? -1 : answer.body().length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer.body());
        }
    }

    private Answer query(HttpExchange exchange, byte[] body, Map<String, List<String>> params) {
        String method = exchange.getRequestMethod();
        String text;
        if (method.equals("POST") && contentType(exchange).equals("application/sparql-query")) {
            text = new String(body, StandardCharsets.UTF_8);
        } else if (method.equals("GET") || method.equals("POST")) {
            List<String> given = params.getOrDefault("query", List.of());
            if (given.size() != 1) {
                return Answer.text(400, given.isEmpty() ? "No 'query' parameter" : "More than one 'query' parameter");
            }
            text = given.get(0);
        } else {
            return Answer.text(405, "Method not allowed: " + method);
        }
        Query query = QueryFactory.create(text, Syntax.syntaxSPARQL_11);
        List<String> defaults = params.getOrDefault("default-graph-uri", List.of());
        List<String> named = params.getOrDefault("named-graph-uri", List.of());
        return Txn.calculateRead(dataset, () -> {
            Dataset target = dataset;
            boolean union = defaults.isEmpty() && named.isEmpty() && !query.hasDatasetDescription();
            if (!union) {
                // the protocol's dataset (or the query's FROM) over the store, as Fuseki builds it
                List<String> from = defaults.isEmpty() && named.isEmpty() ? query.getGraphURIs() : defaults;
                List<String> fromNamed = defaults.isEmpty() && named.isEmpty() ? query.getNamedGraphURIs() : named;
                DatasetGraph dsg = DynamicDatasets.dynamicDataset(nodes(from), nodes(fromNamed), dataset.asDatasetGraph(), false);
                target = DatasetFactory.wrap(dsg);
            }
            try (QueryExecution exec = QueryExecutionFactory.create(query, target)) {
                if (union) {
                    // tdb2:unionDefaultGraph true, as stores/fuseki/config.ttl sets it
                    exec.getContext().set(TDB2.symUnionDefaultGraph, true);
                }
                exec.setTimeout(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                if (query.isSelectType()) {
                    ResultSetFormatter.outputAsJSON(out, exec.execSelect());
                    return new Answer(200, "application/sparql-results+json; charset=utf-8", out.toByteArray());
                }
                if (query.isAskType()) {
                    ResultSetFormatter.outputAsJSON(out, exec.execAsk());
                    return new Answer(200, "application/sparql-results+json; charset=utf-8", out.toByteArray());
                }
                Model model = query.isConstructType() ? exec.execConstruct() : exec.execDescribe();
                RDFDataMgr.write(out, model, Lang.TURTLE);
                return new Answer(200, "text/turtle; charset=utf-8", out.toByteArray());
            }
        });
    }

    private Answer graphStore(HttpExchange exchange, byte[] body, Map<String, List<String>> params) {
        List<String> graphs = params.getOrDefault("graph", List.of());
        if (graphs.size() != 1) {
            return Answer.text(400, "One 'graph' parameter is needed");
        }
        Node graph = NodeFactory.createURI(graphs.get(0));
        DatasetGraph dsg = dataset.asDatasetGraph();
        switch (exchange.getRequestMethod()) {
            case "PUT":
            case "POST": {
                Lang lang = RDFLanguages.contentTypeToLang(contentType(exchange));
                if (lang == null) {
                    return Answer.text(415, "Unsupported media type: " + contentType(exchange));
                }
                // parsed whole before the store is touched: a bad body changes nothing
                Graph parsed = GraphFactory.createDefaultGraph();
                RDFParser.source(new java.io.ByteArrayInputStream(body)).lang(lang).parse(parsed);
                boolean replace = exchange.getRequestMethod().equals("PUT");
                boolean existed = Txn.calculateWrite(dataset, () -> {
                    boolean had = dsg.containsGraph(graph);
                    if (replace) {
                        dsg.removeGraph(graph);
                    }
                    parsed.find().forEachRemaining(t -> dsg.add(graph, t.getSubject(), t.getPredicate(), t.getObject()));
                    return had;
                });
                return new Answer(existed ? 204 : 201, "text/plain", new byte[0]);
            }
            case "DELETE": {
                boolean existed = Txn.calculateWrite(dataset, () -> {
                    boolean had = dsg.containsGraph(graph);
                    dsg.removeGraph(graph);
                    return had;
                });
                return existed ? new Answer(204, "text/plain", new byte[0]) : Answer.text(404, "No such graph: " + graph.getURI());
            }
            case "GET": {
                return Txn.calculateRead(dataset, () -> {
                    if (!dsg.containsGraph(graph)) {
                        return Answer.text(404, "No such graph: " + graph.getURI());
                    }
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    RDFDataMgr.write(out, dsg.getGraph(graph), Lang.TURTLE);
                    return new Answer(200, "text/turtle; charset=utf-8", out.toByteArray());
                });
            }
            default:
                return Answer.text(405, "Method not allowed: " + exchange.getRequestMethod());
        }
    }

    private static List<Node> nodes(List<String> iris) {
        List<Node> out = new ArrayList<>();
        iris.forEach(i -> out.add(NodeFactory.createURI(i)));
        return out;
    }

    private static String contentType(HttpExchange exchange) {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        return type == null ? "" : type.split(";")[0].trim().toLowerCase();
    }

    private static Map<String, List<String>> parse(String raw) {
        Map<String, List<String>> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return out;
    }
}
